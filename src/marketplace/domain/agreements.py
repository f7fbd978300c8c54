"""Agreements: what a buyer organization has bought, created when its purchase order arrives.

An agreement records who bought (organization, account, user), what (product, offer, the
configured dimensions and quantities, the charges), for how long (start and end dates), how it
is paid (:class:`PaymentModel`) and the purchase order behind it (number, line numbers,
version). A server annual agreement is made in two approvals: the first purchase order
creates it pay-as-you-go (``annual_pending``), the second makes it an annual contract.
"""

from __future__ import annotations

import calendar
import datetime as dt
import enum
from dataclasses import dataclass

from marketplace.domain.catalog import PricingModel
from marketplace.domain.charges import Charge, OfferChoice

__all__ = [
    "Agreement",
    "AgreementStatus",
    "PaymentModel",
    "add_months",
    "end_date",
    "payment_model_for",
]


class PaymentModel(enum.Enum):
    """How an agreement is paid."""

    UPFRONT = "upfront"
    FLEXIBLE_PAYMENT_SCHEDULE = "flexible_payment_schedule"
    PAY_AS_YOU_GO = "pay_as_you_go"
    FREE = "free"
    FREE_TRIAL = "free_trial"
    BYOL = "byol"

    @property
    def label(self) -> str:
        """The name a buyer reads."""
        return self.value.replace("_", " ").capitalize().replace("Byol", "BYOL")


class AgreementStatus(enum.Enum):
    """Whether an agreement is in force."""

    ACTIVE = "active"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


def payment_model_for(pricing_model: PricingModel, choice: OfferChoice) -> PaymentModel:
    """The payment model of an offer bought as ``choice``."""
    if pricing_model is PricingModel.FREE:
        return PaymentModel.FREE
    if pricing_model is PricingModel.BYOL:
        return PaymentModel.BYOL
    if pricing_model is PricingModel.FREE_TRIAL:
        return PaymentModel.FREE_TRIAL
    if pricing_model is PricingModel.FLEXIBLE_PAYMENT:
        return PaymentModel.FLEXIBLE_PAYMENT_SCHEDULE
    if pricing_model is PricingModel.SAAS_SUBSCRIPTION:
        return PaymentModel.PAY_AS_YOU_GO
    if pricing_model is PricingModel.SERVER_ANNUAL and not choice.annual:
        return PaymentModel.PAY_AS_YOU_GO
    return PaymentModel.UPFRONT


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months (the 31st becomes the month's last day)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def end_date(
    pricing_model: PricingModel, choice: OfferChoice, start: dt.date, trial_days: int = 0
) -> dt.date | None:
    """When an agreement ends: a contract after its duration (a server annual contract after
    twelve months, a trial after its days); pay-as-you-go, free and BYOL never do."""
    if pricing_model is PricingModel.SERVER_ANNUAL:
        return add_months(start, 12) if choice.annual else None
    if pricing_model is PricingModel.FREE_TRIAL and trial_days:
        return start + dt.timedelta(days=trial_days)
    if pricing_model in (PricingModel.SAAS_CONTRACT, PricingModel.FLEXIBLE_PAYMENT):
        return add_months(start, choice.duration_months or 12)
    return None


@dataclass(frozen=True, slots=True, kw_only=True)
class Agreement:
    """A subscription in force (or once in force), and the purchase order it came from."""

    id: str
    organization_id: str
    account_id: str
    user_id: str
    request_id: str
    product_id: str
    product_title: str
    seller_name: str
    offer_id: str
    offer_name: str
    pricing_model: PricingModel
    payment_model: PaymentModel
    currency: str
    choice: OfferChoice
    charges: tuple[Charge, ...]
    starts_on: dt.date
    ends_on: dt.date | None
    status: AgreementStatus
    created_at: dt.datetime
    updated_at: dt.datetime
    connection_id: str | None = None
    purchase_order_number: str | None = None
    purchase_order_lines: tuple[int, ...] = ()
    order_version: int = 1
    annual_pending: bool = False
    cancelled_at: dt.datetime | None = None

    def status_on(self, day: dt.date) -> AgreementStatus:
        """Active agreements past their end date read as expired."""
        if (
            self.status is AgreementStatus.ACTIVE
            and self.ends_on is not None
            and day >= self.ends_on
        ):
            return AgreementStatus.EXPIRED
        return self.status
