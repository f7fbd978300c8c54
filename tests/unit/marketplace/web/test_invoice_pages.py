"""The administrator's invoices page (table, delivery states, chart by month and product) and
an invoice's own page."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from billing_web import add_agreement, add_invoice
from fastapi.testclient import TestClient
from page_checks import assert_accessible
from web_support import PASSWORD, FakeDatabase, People, sign_in

from marketplace.domain.billing import InvoiceKind
from marketplace.domain.outbox import DeliveryStatus
from marketplace.services import accounts


def rows(html: str) -> list[str]:
    """The rows of the "All invoices" table, as text."""
    table = html.split('id="invoices-title"', 1)[1]
    body = table.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in body.split("</tr>")
    ][:-1]


def test_the_admin_sees_each_invoice_with_its_delivery_state(
    client: TestClient, database: FakeDatabase, people: People
) -> None:
    agreement = add_agreement(database, people.buyer_email)
    failed = add_invoice(database, agreement, message_status=DeliveryStatus.FAILED)
    usage = add_invoice(
        database, agreement, kind=InvoiceKind.USAGE, total=Decimal("12.30"),
        invoice_date=dt.date(2026, 2, 1),
    )  # fmt: skip
    sign_in(client, people.admin_email)

    page = client.get("/procurement/invoices")

    assert page.status_code == 200
    assert rows(page.text) == [
        f"{failed.number} 2026-03-01 Observability Suite PO-6112 Upfront $14,400.00 Failed",
        f"{usage.number} 2026-02-01 Observability Suite PO-6112 Usage $12.30 Not sent as cXML",
    ]
    assert f'href="/procurement/messages/{failed.message_id}"' in page.text
    assert f'href="/procurement/invoices/{failed.id}"' in page.text
    assert_accessible(page.text)


def test_the_delivery_state_links_to_the_message_with_its_replay_button(
    client: TestClient, database: FakeDatabase, people: People
) -> None:
    invoice = add_invoice(
        database, add_agreement(database, people.buyer_email), message_status=DeliveryStatus.DEAD
    )
    sign_in(client, people.admin_email)

    message = client.get(f"/procurement/messages/{invoice.message_id}")

    assert message.status_code == 200
    assert "Send it again" in message.text


def test_the_chart_shows_amounts_by_month_and_product_with_a_table(
    client: TestClient, database: FakeDatabase, people: People
) -> None:
    agreement = add_agreement(database, people.buyer_email)
    add_invoice(database, agreement, invoice_date=dt.date(2026, 1, 10))
    add_invoice(
        database, agreement, total=Decimal("600"), invoice_date=dt.date(2026, 3, 2),
        product_title="Data Lake",
    )  # fmt: skip
    add_invoice(
        database, agreement, kind=InvoiceKind.CREDIT_MEMO, total=Decimal("-200"),
        invoice_date=dt.date(2026, 3, 20), product_title="Data Lake",
    )  # fmt: skip
    sign_in(client, people.admin_email)

    page = client.get("/procurement/invoices").text

    assert page.count("<svg") == 1
    assert 'role="img"' in page
    assert (
        '<title id="chart-usd-title">Amounts invoiced by month and product, in USD</title>' in page
    )
    assert "Invoiced by month and product (USD)" in page
    table = page.split("(credit memos subtracted)</caption>", 1)[1].split("</table>", 1)[0]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", table))
    assert "Month Observability Suite Data Lake Total" in text
    assert "Jan 2026 $14,400.00 $0.00 $14,400.00" in text
    assert "Feb 2026 $0.00 $0.00 $0.00" in text
    assert "Mar 2026 $0.00 $400.00 $400.00" in text
    assert "All months $14,400.00 $400.00 $14,800.00" in text
    assert "style=" not in page  # the CSP allows no inline styles
    assert_accessible(page)


def test_each_currency_has_a_chart_of_its_own(
    client: TestClient, database: FakeDatabase, people: People
) -> None:
    agreement = add_agreement(database, people.buyer_email)
    add_invoice(database, agreement)
    add_invoice(database, agreement, currency="EUR", total=Decimal("900"))
    sign_in(client, people.admin_email)

    page = client.get("/procurement/invoices").text

    assert page.count("<svg") == 2
    assert "Invoiced by month and product (EUR)" in page
    assert "Invoiced by month and product (USD)" in page
    assert "€900.00" in page
    assert_accessible(page)  # the two charts' ids differ


def test_without_invoices_the_page_says_so_and_draws_no_chart(
    client: TestClient, people: People
) -> None:
    sign_in(client, people.admin_email)

    page = client.get("/procurement/invoices").text

    assert "No invoices yet." in page
    assert "<svg" not in page
    assert_accessible(page)


def test_invoices_can_be_filtered_by_delivery_state(
    client: TestClient, database: FakeDatabase, people: People
) -> None:
    agreement = add_agreement(database, people.buyer_email)
    failed = add_invoice(database, agreement, message_status=DeliveryStatus.FAILED)
    delivered = add_invoice(database, agreement, message_status=DeliveryStatus.DELIVERED)
    sign_in(client, people.admin_email)

    page = client.get("/procurement/invoices?delivery=failed").text

    assert failed.number in page
    assert delivered.number not in rows(page)[0]
    assert len(rows(page)) == 1
    assert "<strong>failed</strong>" in page
    assert "No invoice is dead." in client.get("/procurement/invoices?delivery=dead").text


def test_an_invoice_page_shows_its_lines_and_amounts(
    client: TestClient, database: FakeDatabase, people: People
) -> None:
    invoice = add_invoice(
        database, add_agreement(database, people.buyer_email), message_status=DeliveryStatus.PENDING
    )
    sign_in(client, people.admin_email)

    page = client.get(f"/procurement/invoices/{invoice.id}")

    assert page.status_code == 200
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.text))
    assert f"Invoice {invoice.number}" in text
    assert "PO-6112" in text
    assert "Observability Suite - Team contract: 12-month contract" in text
    assert "Tax (0 %) $0.00" in text
    assert "Total $14,400.00" in text
    assert f'href="/procurement/messages/{invoice.message_id}">Pending</a>' in page.text
    assert_accessible(page.text)


def test_another_organizations_invoice_is_not_found(
    client: TestClient, database: FakeDatabase, people: People
) -> None:
    invoice = add_invoice(database, add_agreement(database, people.buyer_email))
    accounts.create_organization(
        database.unit_of_work(), name="Globex", admin_email="it@globex.example",
        admin_password=PASSWORD,
    )  # fmt: skip
    sign_in(client, "it@globex.example")

    assert client.get(f"/procurement/invoices/{invoice.id}").status_code == 404
    assert invoice.number not in client.get("/procurement/invoices").text


def test_buyers_and_member_accounts_may_not_see_the_invoices_page(
    client: TestClient, database: FakeDatabase, people: People
) -> None:
    accounts.create_member_account(
        database.unit_of_work(), organization_id=people.organization_id, name="Engineering",
        admin_email="eng@acme.example", admin_password=PASSWORD,
    )  # fmt: skip
    sign_in(client, people.buyer_email)
    assert client.get("/procurement/invoices").status_code == 403

    client.cookies.clear()
    sign_in(client, "eng@acme.example")
    assert client.get("/procurement/invoices").status_code == 403


def test_strangers_are_sent_to_sign_in(client: TestClient) -> None:
    response = client.get("/procurement/invoices", follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"].startswith("/signin?next=")


def test_the_procurement_page_links_to_the_invoices(client: TestClient, people: People) -> None:
    sign_in(client, people.admin_email)

    page = client.get("/procurement").text

    assert 'href="/procurement/invoices"' in page
