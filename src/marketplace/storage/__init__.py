"""Persistence: SQLAlchemy 2 tables, repositories, unit of work and Alembic migrations.
SQLite (WAL) under ``./var/`` by default, PostgreSQL in production.

May import: ``marketplace.domain``, ``marketplace.services`` (the Protocols it implements)
and ``marketplace.config``. Nothing in ``domain`` or ``services`` imports this package.
"""
