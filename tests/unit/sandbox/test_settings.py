from pathlib import Path

import pytest

from sandbox.config import SandboxSettings, SettingsError


def test_defaults_are_the_sandbox_on_port_8100_with_its_own_sqlite_file(tmp_path: Path) -> None:
    settings = SandboxSettings.from_env({"SANDBOX_VAR_DIR": str(tmp_path)})

    assert settings.database_url == f"sqlite:///{tmp_path}/sandbox.db"
    assert settings.base_url == "http://127.0.0.1:8100"
    assert settings.invoice_url == "http://127.0.0.1:8100/cxml/invoices"
    assert (tmp_path / "sandbox_secret_key").read_text().strip() == settings.secret_key
    assert settings.secret_key not in repr(settings)


def test_variables_and_options_override_the_defaults(tmp_path: Path) -> None:
    settings = SandboxSettings.from_env(
        {
            "SANDBOX_DATABASE_URL": "sqlite:////tmp/x.db",
            "SANDBOX_BASE_URL": "https://buyer.example/",
            "SANDBOX_SECRET_KEY": "k",
            "CXML_DTD_DIR": str(tmp_path),
        },
        port=9000,
    )

    assert settings.database_url == "sqlite:////tmp/x.db"
    assert settings.base_url == "https://buyer.example"
    assert settings.port == 9000
    assert settings.cxml_dtd_dir == tmp_path


def test_a_bad_port_is_refused() -> None:
    with pytest.raises(SettingsError, match="SANDBOX_PORT"):
        SandboxSettings.from_env({"SANDBOX_PORT": "eighty", "SANDBOX_SECRET_KEY": "k"})
