"""The sandbox's own SQLite file (SQLAlchemy Core): tables, the database handle, and one
module of queries per kind of record. Shared secrets are stored encrypted (Fernet).

May import: ``sandbox.domain``, SQLAlchemy and cryptography. Never ``marketplace``.
"""
