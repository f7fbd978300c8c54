"""``/api/v1/organization``, ``/api/v1/accounts`` and ``/api/v1/me``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from marketplace.domain.accounts import Principal, is_account_id
from marketplace.domain.errors import NotFoundError
from marketplace.domain.policies import ACTIONS
from marketplace.services import accounts
from marketplace.web.api.routes import ActionRoute
from marketplace.web.api.schemas import (
    ERROR_RESPONSES,
    AccountBody,
    AccountList,
    MeBody,
    NewAccountBody,
    NewAccountRequest,
    OrganizationBody,
)
from marketplace.web.deps import Require, get_database

router = APIRouter(tags=["organization"], route_class=ActionRoute, responses=ERROR_RESPONSES)


@router.get("/organization", response_model=OrganizationBody, operation_id="describeOrganization")
def describe_organization(
    request: Request,
    principal: Annotated[Principal, Depends(Require(ACTIONS.DESCRIBE_ORGANIZATION))],
) -> OrganizationBody:
    """The caller's organization and its accounts."""
    uow = get_database(request).unit_of_work()
    organization, found = accounts.describe_organization(uow, principal)
    return OrganizationBody.of(organization, [AccountBody.of(a) for a in found])


@router.get("/accounts", response_model=AccountList, operation_id="listAccounts")
def list_accounts(
    request: Request,
    principal: Annotated[Principal, Depends(Require(ACTIONS.LIST_ACCOUNTS))],
) -> AccountList:
    """The accounts of the caller's organization, the management account included."""
    found = accounts.list_accounts(get_database(request).unit_of_work(), principal)
    return AccountList(items=[AccountBody.of(a) for a in found])


@router.get("/accounts/{account_id}", response_model=AccountBody, operation_id="describeAccount")
def describe_account(
    request: Request,
    principal: Annotated[Principal, Depends(Require(ACTIONS.DESCRIBE_ACCOUNT))],
    account_id: str,
) -> AccountBody:
    """One account of the caller's organization (others' accounts are not found)."""
    account = None
    if is_account_id(account_id):
        with get_database(request).unit_of_work() as uow:
            account = uow.accounts.get(account_id)
    if account is None or account.organization_id != principal.organization.id:
        raise NotFoundError(f"There is no account {account_id} in your organization.")
    return AccountBody.of(account)


@router.post(
    "/accounts",
    response_model=NewAccountBody,
    status_code=201,
    operation_id="createAccount",
)
def create_account(
    request: Request,
    principal: Annotated[Principal, Depends(Require(ACTIONS.CREATE_ACCOUNT))],
    body: NewAccountRequest,
) -> NewAccountBody:
    """Create a member account and its administrator (from the management account only).

    The answer holds the administrator's API key; it is never shown again.
    """
    created = accounts.create_member_account(
        get_database(request).unit_of_work(),
        organization_id=principal.organization.id,
        name=body.name,
        admin_email=body.admin_email,
        admin_name=body.admin_name,
        principal=principal,
    )
    return NewAccountBody(
        account_id=created.account.id,
        api_key=created.api_key,
        admin_user_id=created.user.id,
        account=AccountBody.of(created.account),
    )


@router.get("/me", response_model=MeBody, operation_id="getCaller")
def me(principal: Annotated[Principal, Depends(Require(None))]) -> MeBody:
    """Who the API key belongs to: user, account and organization (any valid key)."""
    return MeBody.of(principal)
