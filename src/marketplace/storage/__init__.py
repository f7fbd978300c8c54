"""Persistence: SQLAlchemy 2 tables, repositories, unit of work and Alembic migrations.
SQLite (WAL) under ``./var/`` by default, PostgreSQL in production.

- ``database.open_database(url)`` → ``Database`` (``.unit_of_work()``, ``.optimize()`` after
  a bulk load, ``.dispose()``); ``migrate.upgrade(url)`` and friends run the migrations in
  ``migrations/``.
- ``unit_of_work.SqlUnitOfWork`` and the ``Sql*Repository`` classes (``repositories``,
  ``catalog``) implement ``marketplace.services.ports``.
- Search: ``text`` turns text into terms, ``search_index`` writes them to the full-text index
  (FTS5 or ``tsvector``), ``search`` answers queries through ``search_sqlite`` or
  ``search_postgres``, with ``facets`` for the counts.

May import: ``marketplace.domain``, ``marketplace.services`` (the Protocols it implements)
and ``marketplace.config``. Nothing in ``domain`` or ``services`` imports this package.
"""
