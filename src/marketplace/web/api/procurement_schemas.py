"""The JSON bodies of procurement system management: configuration, connections, purchase
information and the audit log.

Requests take booleans as JSON booleans only (``"yes"`` or ``1`` is a 400 naming the field)
and leave the values with rules of their own (the system, identities, URLs …) to the
service, so that one answer lists every bad field. Shared secrets arrive as ``SecretStr``
(never in a repr or a log) and leave only in :class:`NewConnectionBody` and
:class:`RotatedSecretBody`.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field, SecretStr, StrictBool, StrictInt

from marketplace.domain.audit import AuditEvent, JsonValue
from marketplace.domain.procurement import (
    PortalConnection,
    ProcurementConfiguration,
    ProcurementSystem,
)
from marketplace.services.procurement import (
    DEFAULT_SECRET_GRACE,
    MAX_SECRET_GRACE,
    AuditPage,
    ConfigurationChange,
    ConnectionDetails,
    ConnectionRequest,
    NewConnection,
    PurchaseInformation,
    PurchaseInformationItem,
    RotatedSecret,
)

__all__ = [
    "AuditEventBody",
    "AuditEventList",
    "ConfigurationBody",
    "ConfigurationRequest",
    "ConnectionBody",
    "ConnectionDetailsBody",
    "ConnectionList",
    "FieldChangeBody",
    "NewConnectionBody",
    "NewConnectionRequest",
    "PurchaseInformationBody",
    "PurchaseInformationElement",
    "RotateSecretRequest",
    "RotatedSecretBody",
]


class ConfigurationRequest(BaseModel):
    """A Put of the configuration: ``system`` and ``name`` always; an omitted (or null) key
    keeps its value (on the first Put, its default: test mode on, the rest off)."""

    model_config = ConfigDict(extra="forbid")

    system: str = Field(description='"COUPA" or "ARIBA".')
    name: str
    description: str | None = None
    enable_redirect: StrictBool | None = None
    test_mode: StrictBool | None = None
    preapprove_free: StrictBool | None = None
    preapprove_byol: StrictBool | None = None
    billing_integration: StrictBool | None = Field(
        default=None, description="Turning it on creates the purchase-order role (once)."
    )

    def change(self) -> ConfigurationChange:
        """The service's input."""
        return ConfigurationChange(
            system=self.system,
            name=self.name,
            description=self.description,
            enable_redirect=self.enable_redirect,
            test_mode=self.test_mode,
            preapprove_free=self.preapprove_free,
            preapprove_byol=self.preapprove_byol,
            billing_integration=self.billing_integration,
        )


class ConfigurationBody(BaseModel):
    """The organization's procurement system configuration."""

    system: str = Field(description='"COUPA" or "ARIBA".')
    name: str
    description: str
    enable_redirect: bool
    test_mode: bool
    preapprove_free: bool
    preapprove_byol: bool
    billing_integration: bool
    purchase_order_role: str | None = Field(
        description="The purchase-order role, once billing integration has created it."
    )
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int = Field(description="Goes up by one with every change.")

    @classmethod
    def of(cls, configuration: ProcurementConfiguration) -> ConfigurationBody:
        return cls(
            system=configuration.system.value,
            name=configuration.name,
            description=configuration.description,
            enable_redirect=configuration.enable_redirect,
            test_mode=configuration.test_mode,
            preapprove_free=configuration.preapprove_free,
            preapprove_byol=configuration.preapprove_byol,
            billing_integration=configuration.billing_integration,
            purchase_order_role=configuration.purchase_order_role,
            created_at=configuration.created_at,
            updated_at=configuration.updated_at,
            version=configuration.version,
        )


class NewConnectionRequest(BaseModel):
    """A connection to create. Coupa: ``buyer_domain`` and ``buyer_identity``; Ariba:
    ``buyer_anid`` (and ``supplier_anid``). Everything else is optional: the supplier
    identity and the shared secret are generated unless given."""

    model_config = ConfigDict(extra="forbid")

    buyer_domain: str | None = Field(default=None, description="The cXML From domain (Coupa).")
    buyer_identity: str | None = Field(default=None, description="The cXML From identity.")
    supplier_domain: str | None = Field(default=None, description="The cXML To domain.")
    supplier_identity: str | None = Field(default=None, description="The cXML To identity.")
    shared_secret: SecretStr | None = Field(
        default=None, description="At least 8 characters; 32 random bytes are generated if unset."
    )
    invoice_endpoint: str | None = Field(
        default=None, description="HTTPS (plain http only for this machine's loopback hosts)."
    )
    approval_redirect_url: str | None = Field(
        default=None, description="Same host as the invoice endpoint when both are given."
    )
    sellers_of_record: list[str] | None = Field(
        default=None, description="Only these sellers' products (empty: every seller)."
    )
    cart_field: str | None = Field(
        default=None, description='"cxml-urlencoded" (the default) or "cxml-base64".'
    )
    test_mode: StrictBool | None = Field(
        default=None, description="Force test mode for this connection."
    )
    enabled: StrictBool | None = Field(default=None, description="Default true.")
    buyer_anid: str | None = Field(default=None, description="Ariba: AN and 11 or 12 digits.")
    supplier_anid: str | None = Field(default=None, description="Ariba: the supplier's ANID.")

    def request(self) -> ConnectionRequest:
        """The service's input."""
        return ConnectionRequest(
            buyer_domain=self.buyer_domain,
            buyer_identity=self.buyer_identity,
            supplier_domain=self.supplier_domain,
            supplier_identity=self.supplier_identity,
            shared_secret=_reveal(self.shared_secret),
            invoice_endpoint=self.invoice_endpoint,
            approval_redirect_url=self.approval_redirect_url,
            sellers_of_record=tuple(self.sellers_of_record or ()),
            cart_field=self.cart_field,
            buyer_anid=self.buyer_anid,
            supplier_anid=self.supplier_anid,
            test_mode=bool(self.test_mode),
            enabled=self.enabled is not False,
        )


class ConnectionBody(BaseModel):
    """A portal connection, never its secret."""

    id: str
    system: str = Field(description='"COUPA" or "ARIBA".')
    buyer_domain: str
    buyer_identity: str
    supplier_domain: str
    supplier_identity: str
    sender_domain: str = Field(description="The cXML Sender domain the buyer system sends.")
    sender_identity: str
    invoice_endpoint: str | None
    approval_redirect_url: str | None
    sellers_of_record: list[str]
    cart_field: str
    status: str = Field(description='"ENABLED" or "DISABLED".')
    enabled: bool
    test_mode: bool
    account_id: str
    created_at: dt.datetime
    updated_at: dt.datetime
    buyer_anid: str | None = Field(default=None, description="Ariba: the buyer identity.")
    supplier_anid: str | None = Field(default=None, description="Ariba: the supplier identity.")

    @classmethod
    def fields_of(cls, connection: PortalConnection) -> dict[str, object]:
        """The body's values for ``connection`` (for the subclasses' constructors too)."""
        ariba = connection.system is ProcurementSystem.ARIBA
        return {
            "id": connection.id,
            "system": connection.system.value,
            "buyer_domain": connection.buyer_domain,
            "buyer_identity": connection.buyer_identity,
            "supplier_domain": connection.supplier_domain,
            "supplier_identity": connection.supplier_identity,
            "sender_domain": connection.sender_domain,
            "sender_identity": connection.sender_identity,
            "invoice_endpoint": connection.invoice_endpoint,
            "approval_redirect_url": connection.approval_redirect_url,
            "sellers_of_record": list(connection.sellers_of_record),
            "cart_field": connection.cart_field.value,
            "status": connection.status.value,
            "enabled": connection.enabled,
            "test_mode": connection.test_mode,
            "account_id": connection.account_id,
            "created_at": connection.created_at,
            "updated_at": connection.updated_at,
            "buyer_anid": connection.buyer_identity if ariba else None,
            "supplier_anid": connection.supplier_identity if ariba else None,
        }

    @classmethod
    def of(cls, connection: PortalConnection) -> ConnectionBody:
        return cls.model_validate(cls.fields_of(connection))


class ConnectionDetailsBody(ConnectionBody):
    """A connection with when its secret was set (still never the secret)."""

    secret_created_at: dt.datetime | None
    previous_secret_expires_at: dt.datetime | None = Field(
        description="Set while a rotated-out secret is still accepted."
    )

    @classmethod
    def of_details(cls, details: ConnectionDetails) -> ConnectionDetailsBody:
        return cls.model_validate(
            {
                **cls.fields_of(details.connection),
                "secret_created_at": details.secret_created_at,
                "previous_secret_expires_at": details.previous_secret_expires_at,
            }
        )


class NewConnectionBody(ConnectionBody):
    """The created connection and its shared secret: the only time the secret is shown."""

    shared_secret: str = Field(description="Shown this once; copy it into the buyer system.")

    @classmethod
    def of_new(cls, created: NewConnection) -> NewConnectionBody:
        return cls.model_validate(
            {**cls.fields_of(created.connection), "shared_secret": created.shared_secret}
        )


class ConnectionList(BaseModel):
    """The organization's connections, oldest first."""

    items: list[ConnectionBody]


class RotateSecretRequest(BaseModel):
    """A secret rotation: the new secret (generated unless given) and how long the current
    one is still accepted."""

    model_config = ConfigDict(extra="forbid")

    grace_period_seconds: StrictInt = Field(
        default=int(DEFAULT_SECRET_GRACE.total_seconds()),
        ge=0,
        le=int(MAX_SECRET_GRACE.total_seconds()),
        description="0 to 2,592,000 (30 days); default 86,400 (a day).",
    )
    shared_secret: SecretStr | None = Field(
        default=None, description="The new secret; 32 random bytes are generated if unset."
    )

    @property
    def grace(self) -> dt.timedelta:
        return dt.timedelta(seconds=self.grace_period_seconds)

    @property
    def new_secret(self) -> str | None:
        return _reveal(self.shared_secret)


class RotatedSecretBody(BaseModel):
    """The connection's new secret (shown this once) and until when the old one works."""

    connection: ConnectionBody
    shared_secret: str
    previous_secret_expires_at: dt.datetime

    @classmethod
    def of(cls, rotated: RotatedSecret) -> RotatedSecretBody:
        return cls(
            connection=ConnectionBody.of(rotated.connection),
            shared_secret=rotated.shared_secret,
            previous_secret_expires_at=rotated.previous_secret_expires_at,
        )


class PurchaseInformationElement(BaseModel):
    """One value to copy, and the cXML element it fills."""

    key: str
    label: str
    value: str
    cxml: str = Field(description="The cXML element or attribute the value fills.")
    where: str = Field(description="Where it goes in the procurement system's setup.")

    @classmethod
    def of(cls, item: PurchaseInformationItem) -> PurchaseInformationElement:
        return cls(
            key=item.key, label=item.label, value=item.value, cxml=item.cxml, where=item.where
        )


class PurchaseInformationBody(BaseModel):
    """What the procurement system's administrator copies: each value under its key, and
    ``elements`` saying where each one goes."""

    model_config = ConfigDict(extra="allow")

    punchout_url: str | None = None
    order_url: str | None = None
    profile_url: str | None = None
    buyer_domain: str | None = None
    buyer_identity: str | None = None
    supplier_domain: str | None = None
    supplier_identity: str | None = None
    sender_domain: str | None = None
    sender_identity: str | None = None
    protocol: str | None = Field(default=None, description='"cxml".')
    cxml_version: str | None = None
    elements: list[PurchaseInformationElement]

    @classmethod
    def of(cls, information: PurchaseInformation) -> PurchaseInformationBody:
        values = {key: value for key, value in information.as_dict().items() if key != "elements"}
        elements = [PurchaseInformationElement.of(item) for item in information.items]
        return cls.model_validate({**values, "elements": elements})


class FieldChangeBody(BaseModel):
    """One field an operation changed (secrets and contacts read HIDDEN_DUE_TO_SECURITY_REASONS)."""

    field: str
    old: JsonValue
    new: JsonValue


class AuditEventBody(BaseModel):
    """One recorded change: who, when, from which account, and what changed."""

    id: str
    event_name: str
    occurred_at: dt.datetime
    resource_type: str
    resource_id: str
    account_id: str | None
    actor_user_id: str | None = Field(description="None: the operator or the marketplace.")
    actor_email: str | None
    source: str = Field(description='"api", "console", "cli" or "system".')
    request_parameters: dict[str, JsonValue]
    changes: list[FieldChangeBody]

    @classmethod
    def of(cls, event: AuditEvent) -> AuditEventBody:
        return cls(
            id=event.id,
            event_name=event.event_name,
            occurred_at=event.occurred_at,
            resource_type=event.resource_type,
            resource_id=event.resource_id,
            account_id=event.account_id,
            actor_user_id=event.actor_user_id,
            actor_email=event.actor_email,
            source=event.source,
            request_parameters=dict(event.request_parameters),
            changes=[FieldChangeBody(field=c.field, old=c.old, new=c.new) for c in event.changes],
        )


class AuditEventList(BaseModel):
    """A page of audit events, newest first; pass ``next_token`` for the next page."""

    items: list[AuditEventBody]
    next_token: str | None

    @classmethod
    def of(cls, page: AuditPage) -> AuditEventList:
        return cls(items=[AuditEventBody.of(e) for e in page.events], next_token=page.next_token)


def _reveal(secret: SecretStr | None) -> str | None:
    return None if secret is None else secret.get_secret_value()
