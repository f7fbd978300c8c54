from cli_support import FakeStorage, Invoke


def test_db_upgrade_migrates_the_database_named_by_the_environment(
    invoke: Invoke, storage: FakeStorage
) -> None:
    result = invoke("db", "upgrade", env={"MARKETPLACE_DATABASE_URL": "sqlite:////tmp/x.db"})

    assert result.exit_code == 0
    assert storage.upgraded == ["sqlite:////tmp/x.db"]
    assert result.stdout == (
        "Upgrading the database sqlite:////tmp/x.db …\n"
        "Database is up to date (revision 0001_head).\n"
    )


def test_database_url_option_overrides_the_environment(
    invoke: Invoke, storage: FakeStorage
) -> None:
    result = invoke("--database-url", "sqlite:////tmp/option.db", "db", "upgrade")

    assert result.exit_code == 0
    assert storage.upgraded == ["sqlite:////tmp/option.db"]


def test_db_upgrade_never_prints_the_database_password(
    invoke: Invoke, storage: FakeStorage
) -> None:
    url = "postgresql+psycopg://shop:hunter2secret@db.example:5432/shop"

    result = invoke("--database-url", url, "db", "upgrade")

    assert storage.upgraded == [url]
    assert "hunter2secret" not in result.output
    assert "postgresql+psycopg://shop:***@db.example:5432/shop" in result.stdout


def test_db_status_says_when_an_upgrade_is_needed(invoke: Invoke, storage: FakeStorage) -> None:
    storage.up_to_date = False

    result = invoke("db", "status")

    assert result.exit_code == 0
    assert "Revision  none (empty database)" in result.stdout
    assert "behind 0001_head: run `marketplace db upgrade`" in result.stdout


def test_db_status_says_when_the_database_is_up_to_date(invoke: Invoke) -> None:
    result = invoke("db", "status")

    assert "Revision  0001_head" in result.stdout
    assert "Status    up to date" in result.stdout
