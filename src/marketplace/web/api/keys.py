"""``/api/v1/api-keys``: the caller's API keys, shown once, stored hashed, revocable."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from marketplace.domain.accounts import Principal
from marketplace.services import accounts
from marketplace.web.api.routes import ActionRoute
from marketplace.web.api.schemas import ERROR_RESPONSES, ApiKeyBody, ApiKeyList, NewApiKeyBody
from marketplace.web.deps import Require, get_database

router = APIRouter(tags=["api-keys"], route_class=ActionRoute, responses=ERROR_RESPONSES)


@router.get("/api-keys", response_model=ApiKeyList, operation_id="listApiKeys")
def list_api_keys(
    request: Request, principal: Annotated[Principal, Depends(Require(None))]
) -> ApiKeyList:
    """The caller's own API keys, revoked ones included (never the keys themselves)."""
    found = accounts.list_api_keys(get_database(request).unit_of_work(), principal)
    return ApiKeyList(items=[ApiKeyBody.of(key) for key in found])


@router.post(
    "/api-keys", response_model=NewApiKeyBody, status_code=201, operation_id="createApiKey"
)
def create_api_key(
    request: Request, principal: Annotated[Principal, Depends(Require(None))]
) -> NewApiKeyBody:
    """A new API key for the caller; this answer is the only time the key is shown."""
    stored, key = accounts.issue_api_key(get_database(request).unit_of_work(), principal.user.id)
    return NewApiKeyBody(
        id=stored.id, prefix=stored.prefix, api_key=key, created_at=stored.created_at
    )


@router.delete(
    "/api-keys/{key_id}",
    status_code=204,
    response_class=Response,
    operation_id="revokeApiKey",
)
def revoke_api_key(
    request: Request, principal: Annotated[Principal, Depends(Require(None))], key_id: str
) -> Response:
    """Revoke an API key; later calls with it are refused (401).

    Any valid key may revoke its user's own keys, the one in use included. Revoking another
    user's key needs ``iam:DeleteAccessKey`` (403 without it), and the key must belong to a
    user of an account the caller administers (the whole organization from the management
    account); any other key is not found (404). The route only requires a valid key: the
    finer rule is the service's (``accounts.revoke_api_key``).
    """
    accounts.revoke_api_key(get_database(request).unit_of_work(), principal, key_id)
    return Response(status_code=204)
