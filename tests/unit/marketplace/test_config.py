import stat
from decimal import Decimal
from pathlib import Path

import pytest

from marketplace.config import Secret, Settings, SettingsError


def env_for(tmp_path: Path, **values: str) -> dict[str, str]:
    environ = {"MARKETPLACE_VAR_DIR": str(tmp_path / "var"), "MARKETPLACE_CXML_DTD_DIR": ""}
    environ.update({f"MARKETPLACE_{name}": value for name, value in values.items()})
    return environ


def test_settings_default_to_the_embedded_database_and_loopback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)

    settings = Settings.from_env({})

    assert settings.database_url == "sqlite:///./var/marketplace.db"
    assert settings.host == "127.0.0.1"
    assert settings.port == 8000
    assert settings.base_url == "http://127.0.0.1:8000"
    assert settings.smtp_url is None
    assert settings.seed_demo is True
    assert settings.tax_rate == Decimal(0)


def test_settings_read_marketplace_variables(tmp_path: Path) -> None:
    settings = Settings.from_env(
        env_for(
            tmp_path,
            DATABASE_URL="postgresql+psycopg://db/marketplace",
            BASE_URL="https://market.example.com/",
            HOST="0.0.0.0",
            PORT="9000",
            SMTP_URL="smtp://127.0.0.1:2525",
            SECRET_KEY="s3cret-value",
            CXML_DTD_DIR="/opt/dtd",
            DEMO="0",
            TAX_RATE="0.2",
        )
    )

    assert settings.database_url == "postgresql+psycopg://db/marketplace"
    assert settings.base_url == "https://market.example.com"
    assert (settings.host, settings.port) == ("0.0.0.0", 9000)
    assert settings.smtp_url == "smtp://127.0.0.1:2525"
    assert settings.secret_key.reveal() == "s3cret-value"
    assert settings.cxml_dtd_dir == Path("/opt/dtd")
    assert settings.seed_demo is False
    assert settings.tax_rate == Decimal("0.2")


def test_default_base_url_follows_host_and_port(tmp_path: Path) -> None:
    settings = Settings.from_env(env_for(tmp_path, HOST="127.0.0.2", PORT="8123"))

    assert settings.base_url == "http://127.0.0.2:8123"


def test_settings_are_frozen(tmp_path: Path) -> None:
    settings = Settings.from_env(env_for(tmp_path))

    with pytest.raises(AttributeError):
        settings.port = 1  # type: ignore[misc]


@pytest.mark.parametrize("rate", ["0", "0.075", "1", " 0.2 "])
def test_tax_rate_is_a_decimal_from_0_to_1(tmp_path: Path, rate: str) -> None:
    settings = Settings.from_env(env_for(tmp_path, TAX_RATE=rate))

    assert settings.tax_rate == Decimal(rate.strip())


@pytest.mark.parametrize("rate", ["20%", "twenty", "1.5", "-0.1", "NaN", "Infinity"])
def test_unusable_tax_rate_is_a_clear_settings_error(tmp_path: Path, rate: str) -> None:
    with pytest.raises(SettingsError, match=r"MARKETPLACE_TAX_RATE must be a decimal from 0 to 1"):
        Settings.from_env(env_for(tmp_path, TAX_RATE=rate))


@pytest.mark.parametrize("port", ["http", "0", "70000"])
def test_unusable_port_is_a_clear_settings_error(tmp_path: Path, port: str) -> None:
    with pytest.raises(SettingsError, match="MARKETPLACE_PORT"):
        Settings.from_env(env_for(tmp_path, PORT=port))


def test_secret_repr_and_str_hide_the_value(tmp_path: Path) -> None:
    settings = Settings.from_env(env_for(tmp_path, SECRET_KEY="hunter2-hunter2"))

    assert "hunter2" not in repr(settings)
    assert "hunter2" not in repr(settings.secret_key)
    assert "hunter2" not in str(settings.secret_key)
    assert "hunter2" not in f"{settings}"
    assert settings.secret_key == Secret("hunter2-hunter2")
    assert settings.secret_key != Secret("something-else")


def test_unset_secret_key_is_generated_into_var_dir_with_private_mode(tmp_path: Path) -> None:
    settings = Settings.from_env(env_for(tmp_path))

    key_file = tmp_path / "var" / "secret_key"
    assert key_file.read_text().strip() == settings.secret_key.reveal()
    assert len(settings.secret_key.reveal()) >= 32
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_generated_secret_key_is_stable_across_starts(tmp_path: Path) -> None:
    first = Settings.from_env(env_for(tmp_path))
    second = Settings.from_env(env_for(tmp_path))

    assert first.secret_key == second.secret_key
    assert [p.name for p in (tmp_path / "var").iterdir()] == ["secret_key"]


def test_generated_secret_keys_differ_between_installations(tmp_path: Path) -> None:
    one = Settings.from_env({"MARKETPLACE_VAR_DIR": str(tmp_path / "one")})
    two = Settings.from_env({"MARKETPLACE_VAR_DIR": str(tmp_path / "two")})

    assert one.secret_key != two.secret_key


def test_explicit_secret_key_writes_no_file(tmp_path: Path) -> None:
    Settings.from_env(env_for(tmp_path, SECRET_KEY="given"))

    assert not (tmp_path / "var" / "secret_key").exists()


def test_operations_settings_default_to_a_generous_cxml_limit_1_mib_bodies_and_text_logs(
    tmp_path: Path,
) -> None:
    settings = Settings.from_env(env_for(tmp_path, SECRET_KEY="k"))

    assert (settings.cxml_rate, settings.cxml_burst) == (20.0, 100)
    assert settings.max_body_bytes == 1024 * 1024
    assert (settings.log_format, settings.log_level) == ("text", "INFO")


def test_operations_settings_read_their_variables(tmp_path: Path) -> None:
    settings = Settings.from_env(
        env_for(
            tmp_path,
            SECRET_KEY="k",
            CXML_RATE="0.5",
            CXML_BURST="7",
            MAX_BODY_BYTES="4096",
            LOG_FORMAT="JSON",
            LOG_LEVEL="warning",
        )
    )

    assert (settings.cxml_rate, settings.cxml_burst) == (0.5, 7)
    assert settings.max_body_bytes == 4096
    assert (settings.log_format, settings.log_level) == ("json", "WARNING")


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("CXML_RATE", "fast", "MARKETPLACE_CXML_RATE must be a number"),
        ("CXML_RATE", "-1", "MARKETPLACE_CXML_RATE must be at least 0"),
        ("CXML_RATE", "nan", "MARKETPLACE_CXML_RATE must be at least 0"),
        ("CXML_BURST", "0", "MARKETPLACE_CXML_BURST must be at least 1"),
        ("CXML_BURST", "2.5", "MARKETPLACE_CXML_BURST must be a whole number"),
        ("MAX_BODY_BYTES", "1MB", "MARKETPLACE_MAX_BODY_BYTES must be a whole number"),
        ("LOG_FORMAT", "xml", "MARKETPLACE_LOG_FORMAT must be text or json"),
        ("LOG_LEVEL", "chatty", "MARKETPLACE_LOG_LEVEL must be one of"),
    ],
)
def test_bad_operations_settings_say_what_is_wrong(
    tmp_path: Path, name: str, value: str, message: str
) -> None:
    with pytest.raises(SettingsError, match=message):
        Settings.from_env(env_for(tmp_path, SECRET_KEY="k", **{name: value}))


def test_previous_secret_keys_come_after_the_current_one_and_stay_hidden(tmp_path: Path) -> None:
    settings = Settings.from_env(
        env_for(tmp_path, SECRET_KEY="current", SECRET_KEY_PREVIOUS=" older , oldest,,")
    )

    assert settings.secret_keys() == ("current", "older", "oldest")
    assert "older" not in repr(settings)


def test_without_previous_keys_there_is_the_current_key_alone(tmp_path: Path) -> None:
    settings = Settings.from_env(env_for(tmp_path, SECRET_KEY="current"))

    assert settings.secret_keys() == ("current",)


def test_pool_sizes_and_the_outbox_lease_have_defaults_and_can_be_set(tmp_path: Path) -> None:
    default = Settings.from_env(env_for(tmp_path))
    tuned = Settings.from_env(
        env_for(tmp_path, DATABASE_POOL_SIZE="20", DATABASE_MAX_OVERFLOW="0",
                OUTBOX_LEASE_SECONDS="30")
    )  # fmt: skip

    assert (default.database_pool_size, default.database_max_overflow) == (5, 10)
    assert default.outbox_lease_seconds == 120
    assert (tuned.database_pool_size, tuned.database_max_overflow) == (20, 0)
    assert tuned.outbox_lease_seconds == 30


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DATABASE_POOL_SIZE", "0", "MARKETPLACE_DATABASE_POOL_SIZE must be at least 1"),
        ("DATABASE_MAX_OVERFLOW", "many", "MARKETPLACE_DATABASE_MAX_OVERFLOW must be a whole"),
        ("OUTBOX_LEASE_SECONDS", "0.5", "MARKETPLACE_OUTBOX_LEASE_SECONDS must be at least 1"),
    ],
)
def test_bad_pool_sizes_and_leases_are_refused_with_the_variable_named(
    tmp_path: Path, name: str, value: str, message: str
) -> None:
    with pytest.raises(SettingsError, match=message):
        Settings.from_env(env_for(tmp_path, **{name: value}))
