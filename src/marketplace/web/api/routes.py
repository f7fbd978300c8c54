"""The API's route class: every operation declares the action it needs, and says so."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.routing import APIRoute

from marketplace.web.deps import Require

__all__ = ["ActionRoute", "MissingPermissionError", "required_action"]


class MissingPermissionError(RuntimeError):
    """An API route was written without declaring its action (a programming error)."""


class ActionRoute(APIRoute):
    """An API route that depends on exactly one ``Require(...)`` and documents its action."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, endpoint, **kwargs)
        extra: dict[str, Any] = {"x-authentication": "bearer-api-key"}
        action = required_action(self).action
        if action is not None:  # None: any valid API key will do
            extra["x-required-action"] = action
        self.openapi_extra = {**(self.openapi_extra or {}), **extra}


def required_action(route: APIRoute) -> Require:
    """The ``Require`` dependency of ``route``; every API operation must have exactly one."""
    found = [d.call for d in route.dependant.dependencies if isinstance(d.call, Require)]
    if len(found) != 1:
        raise MissingPermissionError(f"{route.path} must depend on exactly one Require(...)")
    return found[0]
