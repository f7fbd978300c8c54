"""Punchout sessions."""

from __future__ import annotations

import dataclasses
from typing import Any

from sqlalchemy import Connection, select

from sandbox.domain.punchouts import Display, PunchoutSession, SessionStatus
from sandbox.storage.tables import punchout_sessions

__all__ = ["add_session", "get_session", "save_session"]


def _values(session: PunchoutSession) -> dict[str, Any]:
    values = {field.name: getattr(session, field.name) for field in dataclasses.fields(session)}
    values["display"] = session.display.value
    values["status"] = session.status.value
    del values["id"]
    return values


def add_session(conn: Connection, session: PunchoutSession) -> PunchoutSession:
    """Store a new session (its ``id`` is ignored); the session with its new id."""
    result = conn.execute(punchout_sessions.insert().values(**_values(session)))
    key = result.inserted_primary_key
    assert key is not None
    return dataclasses.replace(session, id=int(key[0]))


def save_session(conn: Connection, session: PunchoutSession) -> None:
    """Store the session's current state."""
    conn.execute(
        punchout_sessions.update()
        .where(punchout_sessions.c.id == session.id)
        .values(**_values(session))
    )


def get_session(conn: Connection, session_id: int) -> PunchoutSession | None:
    """The session with this id, or None."""
    row = conn.execute(
        select(punchout_sessions).where(punchout_sessions.c.id == session_id)
    ).first()
    if row is None:
        return None
    values = dict(row._mapping)
    values["display"] = Display(values["display"])
    values["status"] = SessionStatus(values["status"])
    return PunchoutSession(**values)
