"""The procurement administrator's invoices: a chart of the amounts invoiced by month and by
product, every invoice with the delivery state of its cXML copy (linking to the message page,
with its attempts and replay button), and each invoice's lines.

Management account, ``DescribeProcurementSystemConfiguration`` to see (as for messages).
The chart is an SVG drawn by the server (:mod:`marketplace.web.charts`), one per currency,
with its numbers in a table beneath.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse

from marketplace.domain.accounts import Principal
from marketplace.services import invoices
from marketplace.services.invoices import NOT_SENT, InvoiceView
from marketplace.web.charts import (
    ChartEntry,
    MonthlyChart,
    month_label,
    monthly_amounts,
    stacked_bar_svg,
)
from marketplace.web.deps import get_database, signed_in_user
from marketplace.web.pages import page_router
from marketplace.web.rendering import render

router = page_router()

SignedIn = Annotated[Principal, Depends(signed_in_user)]

TABLE_ROWS = 200
DELIVERY_STATES = ("pending", "delivered", "failed", "dead", NOT_SENT)
_KIND_LABELS = {
    "upfront": "Upfront",
    "instalment": "Instalment",
    "usage": "Usage",
    "credit_memo": "Credit memo",
}


def kind_label(kind: str) -> str:
    """How an invoice kind reads on the page."""
    return _KIND_LABELS.get(kind, kind)


def delivery_label(status: str) -> str:
    """How a delivery status reads on the page."""
    return "Not sent as cXML" if status == NOT_SENT else status.capitalize()


def percent(rate: Decimal) -> str:
    """``Decimal("0.2")`` → ``"20 %"``, ``Decimal("0.075")`` → ``"7.5 %"``."""
    text = f"{rate * 100:f}"
    return (text.rstrip("0").rstrip(".") if "." in text else text) + " %"


def charts_of(views: Sequence[InvoiceView]) -> list[tuple[MonthlyChart, str]]:
    """The charts of the invoices' totals by month and product, one per currency, each with
    its SVG."""
    entries = [
        ChartEntry(
            day=v.invoice.invoice_date,
            series=v.invoice.product_title,
            currency=v.invoice.currency,
            amount=v.invoice.total,
        )
        for v in views
    ]
    charts = monthly_amounts(entries)
    return [
        (
            chart,
            stacked_bar_svg(
                chart,
                chart_id=f"chart-{chart.currency.lower()}",
                title=f"Amounts invoiced by month and product, in {chart.currency}",
            ),
        )
        for chart in charts
    ]


@router.get("/procurement/invoices", response_class=HTMLResponse)
def invoice_list(request: Request, user: SignedIn, delivery: str = "") -> HTMLResponse:
    """The organization's invoices, newest first, and the chart of what they add up to
    (``?delivery=failed``: only invoices whose cXML copy is in that state)."""
    found = invoices.list_organization_invoices(get_database(request).unit_of_work(), user)
    chosen = delivery if delivery in DELIVERY_STATES else None
    shown = [v for v in found if chosen is None or v.delivery_status == chosen]
    return render(
        request,
        "procurement_invoices.html",
        {
            "charts": charts_of(found),
            "invoices": shown[:TABLE_ROWS],
            "more": max(len(shown) - TABLE_ROWS, 0),
            "truncated": len(found) >= invoices.ORGANIZATION_LIMIT,
            "limit": invoices.ORGANIZATION_LIMIT,
            "delivery": chosen,
            "delivery_states": DELIVERY_STATES,
            "kind_label": kind_label,
            "delivery_label": delivery_label,
            "month_label": month_label,
        },
    )


@router.get("/procurement/invoices/{invoice_id}", response_class=HTMLResponse)
def invoice_detail(request: Request, user: SignedIn, invoice_id: str) -> HTMLResponse:
    """One invoice: its lines, amounts, purchase order, and where its cXML copy is."""
    view = invoices.get_organization_invoice(get_database(request).unit_of_work(), user, invoice_id)
    return render(
        request,
        "procurement_invoice.html",
        {
            "view": view,
            "invoice": view.invoice,
            "kind_label": kind_label,
            "delivery_label": delivery_label,
            "percent": percent,
        },
    )
