"""Alembic migrations of the marketplace schema, run by ``marketplace.storage.migrate``."""
