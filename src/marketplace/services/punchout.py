"""Punchout: opening a session from a setup request, signing the user in through the
StartPage, requesting approval, and the cart that goes back to the procurement system.

Transactions as in :mod:`.accounts`. Failures of the setup request are ``cxml.CxmlError``
with the cXML status to answer (the web layer turns them into a ``Response/Status``);
failures in the browser are the usual ``MarketplaceError``\\ s (pages show them).

The StartPage token is 32 random bytes, of which only the SHA-256 is stored; it is good
once, for five minutes. A session's pages are reached with the session id (signed by the
web layer), never with the token.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from cxml.errors import CxmlError
from cxml.models.punchout import PunchOutOperation, PunchOutSetupRequest
from marketplace.domain.accounts import Principal, User, normalize_email
from marketplace.domain.catalog import Offer, PricingModel, Product
from marketplace.domain.charges import OfferChoice, charges_for, check_choice
from marketplace.domain.errors import (
    AccessDeniedError,
    ConflictError,
    GoneError,
    NotFoundError,
    ValidationError,
)
from marketplace.domain.line_items import cart_lines
from marketplace.domain.policies import ACTIONS, BUYER_POLICY
from marketplace.domain.procurement import PortalConnection, ProcurementConfiguration
from marketplace.domain.punchout import (
    SESSION_LIFETIME,
    START_TOKEN_LIFETIME,
    PunchoutOperation,
    PunchoutSession,
    RequestStatus,
    SessionStatus,
    SubscriptionRequest,
)
from marketplace.services.authentication import principal_for
from marketplace.services.clock import utcnow
from marketplace.services.cxml_auth import CxmlCaller
from marketplace.services.identifiers import new_user_id
from marketplace.services.permissions import authorize
from marketplace.services.ports import Clock, UnitOfWork

__all__ = [
    "ApprovalResult",
    "CartReturn",
    "StartedPunchout",
    "cancel_punchout",
    "find_session",
    "hash_token",
    "open_start_page",
    "request_approval",
    "return_cart",
    "session_requests",
    "start_punchout",
]

_TOKEN_BYTES = 32
_MAX_EXTRINSICS = 50
_MAX_TEXT = 1000
_START_AGAIN = "Start again from your procurement system."


@dataclass(frozen=True, slots=True)
class StartedPunchout:
    """A new session and its StartPage token (put it in the StartPage URL; never stored)."""

    session: PunchoutSession
    start_token: str


@dataclass(frozen=True, slots=True)
class CartReturn:
    """What goes back to the procurement system: the session (now returned or cancelled)
    and the requests in the cart (none when the user cancelled)."""

    session: PunchoutSession
    requests: tuple[SubscriptionRequest, ...]
    connection: PortalConnection


@dataclass(frozen=True, slots=True)
class ApprovalResult:
    """The request made; ``cart`` is None when it was pre-approved (nothing goes back)."""

    request: SubscriptionRequest
    cart: CartReturn | None


def hash_token(token: str) -> str:
    """The SHA-256 (hex) under which a StartPage token is stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# -- the setup request -----------------------------------------------------------------------


def start_punchout(
    uow: UnitOfWork,
    caller: CxmlCaller,
    setup: PunchOutSetupRequest,
    *,
    cxml_version: str,
    start_url: str | None = None,
    clock: Clock = utcnow,
) -> StartedPunchout:
    """Open a session for an authenticated setup request (``caller``, see ``cxml_auth``).

    ``create`` and ``edit`` need a BrowserFormPost URL (412 without); ``source`` is not
    supported (450); ``edit``/``inspect`` re-open the requests named by the ItemOut
    SupplierPartAuxiliaryIDs (those of other organizations are ignored).
    """
    operation = _operation(setup.operation)
    form_post_url = (setup.browser_form_post_url or "").strip()
    if operation is not PunchoutOperation.INSPECT or form_post_url:
        _check_form_post_url(form_post_url)
    email = normalize_email(setup.user_email or "") if setup.user_email else None
    token = secrets.token_urlsafe(_TOKEN_BYTES)
    now = clock()
    connection = caller.connection
    with uow:
        request_ids = _own_requests(uow, connection.organization_id, setup)
        session = PunchoutSession(
            id="ps-" + secrets.token_hex(12),
            connection_id=connection.id,
            organization_id=connection.organization_id,
            account_id=connection.account_id,
            system=connection.system,
            operation=operation,
            buyer_cookie=setup.buyer_cookie,
            form_post_url=form_post_url,
            cart_field=connection.cart_field,
            cxml_version=cxml_version,
            test=caller.test,
            token_hash=hash_token(token),
            token_expires_at=now + START_TOKEN_LIFETIME,
            expires_at=now + SESSION_LIFETIME,
            created_at=now,
            user_email=email,
            user_name=_user_name(setup),
            extrinsics=tuple((e.name, e.value[:_MAX_TEXT]) for e in setup.extrinsics)[
                :_MAX_EXTRINSICS
            ],
            selected_item=setup.selected_item.supplier_part_id if setup.selected_item else None,
            request_ids=request_ids,
            start_url=start_url,
        )
        uow.punchout.add_session(session)
        uow.commit()
    return StartedPunchout(session, token)


def _operation(operation: PunchOutOperation) -> PunchoutOperation:
    try:
        return PunchoutOperation(operation.value)
    except ValueError:
        raise CxmlError(
            f'operation="{operation.value}" is not supported: use create, edit or inspect.', 450
        ) from None


def _check_form_post_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise CxmlError(
            "BrowserFormPost/URL must be the http(s) address the cart is posted back to.", 412
        )


def _user_name(setup: PunchOutSetupRequest) -> str | None:
    first = (setup.extrinsic("FirstName") or "").strip()
    last = (setup.extrinsic("LastName") or "").strip()
    name = f"{first} {last}".strip()
    if not name:
        for contact in setup.contacts:
            name = contact.name.text.strip()
            if name:
                break
    return name[:100] or None


def _own_requests(
    uow: UnitOfWork, organization_id: str, setup: PunchOutSetupRequest
) -> tuple[str, ...]:
    found: list[str] = []
    for item in setup.items:
        request_id = item.item_id.supplier_part_auxiliary_id
        if not request_id or request_id in found:
            continue
        stored = uow.punchout.get_request(request_id)
        if stored is not None and stored.organization_id == organization_id:
            found.append(request_id)
    return tuple(found)


# -- the StartPage ---------------------------------------------------------------------------


def open_start_page(
    uow: UnitOfWork, token: str, *, clock: Clock = utcnow
) -> tuple[PunchoutSession, Principal]:
    """Use a StartPage token: sign its user in (created on first visit, with the buyer
    policy, in the connection's account) and return the session.

    A token used before, or older than five minutes, is ``GoneError``; an unknown one is
    ``NotFoundError``. A setup request without the user's e-mail, or naming a user of another
    organization, is refused (``AccessDeniedError``).
    """
    now = clock()
    with uow:
        session = uow.punchout.get_session_by_token(hash_token(token))
        if session is None:
            raise NotFoundError(f"This punchout link is not valid. {_START_AGAIN}")
        if session.token_used_at is not None:
            raise GoneError(f"This punchout link has already been used. {_START_AGAIN}")
        if now >= session.token_expires_at:
            raise GoneError(f"This punchout link has expired (after 5 minutes). {_START_AGAIN}")
        user = _punchout_user(uow, session, now)
        if not uow.punchout.claim_start_token(session.id, now):
            raise GoneError(f"This punchout link has already been used. {_START_AGAIN}")
        session = dataclasses.replace(session, token_used_at=now, user_id=user.id)
        uow.punchout.update_session(session)
        principal = principal_for(uow, user.id)
        uow.commit()
    assert principal is not None
    return session, principal


def _punchout_user(uow: UnitOfWork, session: PunchoutSession, now: dt.datetime) -> User:
    if session.user_email is None:
        raise AccessDeniedError(
            "Your procurement system did not say who you are (the UserEmail extrinsic). "
            "Ask its administrator to send it."
        )
    user = uow.users.get_by_email(session.user_email)
    if user is not None:
        account = uow.accounts.get(user.account_id)
        if account is None or account.organization_id != session.organization_id:
            raise AccessDeniedError(
                f"{session.user_email} belongs to another organization on this marketplace."
            )
        return user
    user = User(
        id=new_user_id(),
        account_id=session.account_id,
        email=session.user_email,
        name=session.user_name or session.user_email.partition("@")[0],
        password_hash=None,
        policies=(BUYER_POLICY.name,),
        created_at=now,
    )
    uow.users.add(user)
    return user


# -- in the session --------------------------------------------------------------------------


def find_session(
    uow: UnitOfWork, principal: Principal, session_id: str, *, clock: Clock = utcnow
) -> PunchoutSession:
    """The principal's active session (``GoneError`` once returned or expired)."""
    with uow:
        return _active_session(uow, principal, session_id, clock())


def session_requests(
    uow: UnitOfWork, principal: Principal, session: PunchoutSession
) -> tuple[SubscriptionRequest, ...]:
    """The requests of the cart an ``edit``/``inspect`` punchout re-opened."""
    with uow:
        return _requests(uow, session.request_ids)


def request_approval(
    uow: UnitOfWork,
    principal: Principal,
    session_id: str,
    *,
    product_id: str,
    offer_id: str,
    choice: OfferChoice,
    request_id: str | None = None,
    clock: Clock = utcnow,
) -> ApprovalResult:
    """Ask approval for an offer configured as ``choice``.

    Free (BYOL) offers with the organization's free (BYOL) pre-approval on are pre-approved:
    nothing goes to the procurement system and the session stays open. Otherwise the request
    is stored pending approval and the cart (this request; in an ``edit`` session the whole
    re-opened cart, ``request_id`` changed in place) goes back. ``inspect`` changes nothing.
    """
    authorize(principal, ACTIONS.SUBSCRIBE)
    now = clock()
    with uow:
        session = _active_session(uow, principal, session_id, now)
        if session.read_only:
            raise ConflictError("This cart was opened for viewing only; nothing can change.")
        product = uow.catalog.get_product(product_id)
        offer = _offer(product, offer_id)
        assert product is not None
        problems = check_choice(offer, choice)
        if problems:
            raise ValidationError("Some fields are invalid.", problems)
        configuration = uow.procurement.get_configuration(session.organization_id)
        previous = _editable(uow, session, request_id)
        request = _request(session, principal, product, offer, choice, previous, now)
        if _preapproved(configuration, offer):
            request = dataclasses.replace(request, status=RequestStatus.PREAPPROVED)
            uow.punchout.add_request(request)
            uow.commit()
            return ApprovalResult(request, None)
        if previous is None:
            uow.punchout.add_request(request)
            cart_ids = (*session.request_ids, request.id)
        else:
            uow.punchout.update_request(request)
            cart_ids = session.request_ids
        cart = _close(uow, session, SessionStatus.RETURNED, cart_ids, now)
        uow.commit()
    return ApprovalResult(request, cart)


def return_cart(
    uow: UnitOfWork, principal: Principal, session_id: str, *, clock: Clock = utcnow
) -> CartReturn:
    """Send the re-opened cart back as it is (``edit``/``inspect``: "Return to …")."""
    now = clock()
    with uow:
        session = _active_session(uow, principal, session_id, now)
        cart = _close(uow, session, SessionStatus.RETURNED, session.request_ids, now)
        uow.commit()
    return cart


def cancel_punchout(
    uow: UnitOfWork, principal: Principal, session_id: str, *, clock: Clock = utcnow
) -> CartReturn:
    """Go back to the procurement system with an empty cart."""
    now = clock()
    with uow:
        session = _active_session(uow, principal, session_id, now)
        cart = _close(uow, session, SessionStatus.CANCELLED, (), now)
        uow.commit()
    return cart


def _active_session(
    uow: UnitOfWork, principal: Principal, session_id: str, now: dt.datetime
) -> PunchoutSession:
    session = uow.punchout.get_session(session_id)
    if session is None or session.user_id != principal.user.id:
        raise NotFoundError(f"There is no such punchout session. {_START_AGAIN}")
    if not session.is_active(now):
        raise GoneError(f"This punchout session has ended. {_START_AGAIN}")
    return session


def _offer(product: Product | None, offer_id: str) -> Offer:
    if product is not None:
        for offer in product.offers:
            if offer.id == offer_id:
                return offer
    raise NotFoundError("There is no such product or offer.")


def _editable(
    uow: UnitOfWork, session: PunchoutSession, request_id: str | None
) -> SubscriptionRequest | None:
    if request_id is None:
        return None
    if session.operation is not PunchoutOperation.EDIT or request_id not in session.request_ids:
        raise ConflictError("That request is not part of the cart being edited.")
    return uow.punchout.get_request(request_id)


def _request(
    session: PunchoutSession,
    principal: Principal,
    product: Product,
    offer: Offer,
    choice: OfferChoice,
    previous: SubscriptionRequest | None,
    now: dt.datetime,
) -> SubscriptionRequest:
    charges = charges_for(offer, choice)
    return SubscriptionRequest(
        id=previous.id if previous else "sr-" + secrets.token_hex(8),
        organization_id=session.organization_id,
        account_id=principal.account.id,
        user_id=principal.user.id,
        product_id=product.id,
        product_title=product.title,
        seller_name=product.seller.name,
        offer_id=offer.id,
        offer_name=offer.name,
        pricing_model=offer.pricing_model,
        currency=offer.currency,
        choice=choice,
        charges=charges,
        lines=cart_lines(charges),
        status=RequestStatus.PENDING_APPROVAL,
        test=session.test,
        created_at=previous.created_at if previous else now,
        updated_at=now,
        connection_id=session.connection_id,
        session_id=session.id,
    )


def _preapproved(configuration: ProcurementConfiguration | None, offer: Offer) -> bool:
    if configuration is None:
        return False
    if offer.pricing_model is PricingModel.FREE:
        return configuration.preapprove_free
    if offer.pricing_model is PricingModel.BYOL:
        return configuration.preapprove_byol
    return False


def _close(
    uow: UnitOfWork,
    session: PunchoutSession,
    status: SessionStatus,
    request_ids: Sequence[str],
    now: dt.datetime,
) -> CartReturn:
    closed = dataclasses.replace(
        session, status=status, returned_at=now, request_ids=tuple(request_ids)
    )
    uow.punchout.update_session(closed)
    connection = uow.procurement.get_connection(session.connection_id)
    if connection is None:  # connections are never deleted
        raise NotFoundError(f"The connection of this session is gone. {_START_AGAIN}")
    return CartReturn(closed, _requests(uow, request_ids), connection)


def _requests(uow: UnitOfWork, request_ids: Sequence[str]) -> tuple[SubscriptionRequest, ...]:
    found = (uow.punchout.get_request(request_id) for request_id in request_ids)
    return tuple(request for request in found if request is not None)
