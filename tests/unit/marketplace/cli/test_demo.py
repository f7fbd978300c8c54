"""``marketplace demo`` without servers: what it prints of a cXML document, how it sets up
the sandbox's supplier over the sandbox's API (an ``httpx.MockTransport`` here), and its
errors. The whole flow runs in ``tests/e2e/test_demo_command.py``."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from cli_support import Invoke
from fake_uow import FakeUnitOfWorkFactory

from marketplace.cli import demo_sandbox
from marketplace.cli.demo import prepare
from marketplace.cli.demo_documents import key_lines
from marketplace.cli.demo_sandbox import SandboxApi, SandboxApiError, connect_sandbox_supplier
from marketplace.config import Settings

SANDBOX = "http://127.0.0.1:8100"
INFO = {
    "punchout_url": "http://127.0.0.1:8000/cxml/punchout",
    "order_url": "http://127.0.0.1:8000/cxml/orders",
    "supplier_identity": "marketplace-0123",
}
ORDER = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/1.2.014/cXML.dtd">
<cXML payloadID="1@buyer.example" timestamp="2025-03-12T16:00:00+00:00" xml:lang="en-US">
  <Header>
    <From>
      <Credential domain="DUNS">
        <Identity>acme</Identity>
      </Credential>
    </From>
    <To>
      <Credential domain="NetworkID">
        <Identity>marketplace-0123</Identity>
      </Credential>
    </To>
    <Sender>
      <Credential domain="DUNS">
        <Identity>acme</Identity>
        <SharedSecret>s3cret-value</SharedSecret>
      </Credential>
      <UserAgent>Coupa Procurement 1.0</UserAgent>
    </Sender>
  </Header>
  <Request deploymentMode="test">
    <OrderRequest>
      <OrderRequestHeader orderID="6112" orderDate="2025-03-12T16:00:00+00:00" type="new">
        <Total>
          <Money currency="USD">348.00</Money>
        </Total>
      </OrderRequestHeader>
      <ItemOut quantity="1" lineNumber="1">
        <ItemID>
          <SupplierPartID>offer-basic</SupplierPartID>
        </ItemID>
      </ItemOut>
    </OrderRequest>
  </Request>
</cXML>
"""


def test_key_lines_name_the_parties_and_keep_amounts_but_never_the_secret() -> None:
    lines = key_lines(ORDER)

    assert lines[0].startswith("OrderRequest: From DUNS/acme To NetworkID/marketplace-0123")
    assert lines[0].endswith("deploymentMode=test")
    assert '<Total><Money currency="USD">348.00</Money></Total>' in lines
    assert "<SupplierPartID>offer-basic</SupplierPartID>" in lines
    assert not any("s3cret-value" in line for line in lines)


def test_key_lines_of_something_that_is_not_cxml_say_so() -> None:
    assert key_lines("<html>Bad gateway</html>")[0].startswith("(not readable as cXML")


# -- the sandbox's supplier ------------------------------------------------------------------


@dataclass
class FakeSandboxApi:
    """The sandbox's ``/api/v1/suppliers``: suppliers by name, the secrets they were given."""

    suppliers: dict[str, dict[str, Any]] = field(default_factory=dict)
    secrets: dict[str, str | None] = field(default_factory=dict)

    def handle(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            return httpx.Response(200, json={"items": list(self.suppliers.values())})
        body = json.loads(request.content)
        info = body["purchase_information"]
        known = self.suppliers.get(body["name"])
        supplier = {
            "id": known["id"] if known else len(self.suppliers) + 1,
            "name": body["name"],
            "punchout_url": info["punchout_url"],
            "po_url": info["order_url"],
            "punchout_identity": info["supplier_identity"],
        }
        self.suppliers[body["name"]] = supplier
        if body["shared_secret"] or not known:
            self.secrets[body["name"]] = body["shared_secret"]
        return httpx.Response(200 if known else 201, json=supplier)

    def api(self) -> SandboxApi:
        return SandboxApi(SANDBOX, transport=httpx.MockTransport(self.handle))


def test_a_new_secret_creates_the_supplier_then_nothing_changes_without_one() -> None:
    fake = FakeSandboxApi()

    created = connect_sandbox_supplier(fake.api(), INFO, secret="first-secret")
    again = connect_sandbox_supplier(fake.api(), INFO, secret=None)

    assert (created.action, again.action) == ("created", "unchanged")
    assert fake.secrets == {"Software Marketplace": "first-secret"}


def test_moved_marketplace_urls_update_the_supplier_and_keep_its_secret() -> None:
    fake = FakeSandboxApi()
    connect_sandbox_supplier(fake.api(), INFO, secret="first-secret")
    moved = {**INFO, "punchout_url": "http://localhost:8000/cxml/punchout"}

    updated = connect_sandbox_supplier(fake.api(), moved, secret=None)

    assert updated.action == "updated"
    assert updated.supplier["punchout_url"] == "http://localhost:8000/cxml/punchout"
    assert fake.secrets == {"Software Marketplace": "first-secret"}


def test_without_a_secret_a_missing_supplier_is_an_error() -> None:
    with pytest.raises(SandboxApiError, match="no supplier for the demo connection"):
        connect_sandbox_supplier(FakeSandboxApi().api(), INFO, secret=None)


@dataclass
class FakeDatabase:
    unit_of_work: FakeUnitOfWorkFactory


def test_prepare_gives_the_connection_a_new_secret_when_the_sandbox_lost_its_supplier() -> None:
    settings = Settings.from_env({"MARKETPLACE_SECRET_KEY": "unit-test-secret"})
    database = FakeDatabase(FakeUnitOfWorkFactory())
    first_sandbox, second_sandbox = FakeSandboxApi(), FakeSandboxApi()

    first = prepare(
        settings, database, first_sandbox.api(), base_url="http://127.0.0.1:8000", products=0
    )
    second = prepare(
        settings, database, second_sandbox.api(), base_url="http://127.0.0.1:8000", products=0
    )

    assert first.wiring.connection.id == second.wiring.connection.id
    assert (first.supplier.action, second.supplier.action) == ("created", "created")
    [first_secret] = first_sandbox.secrets.values()
    [second_secret] = second_sandbox.secrets.values()
    assert first_secret is not None
    assert second_secret not in (None, first_secret)
    third = prepare(
        settings, database, second_sandbox.api(), base_url="http://127.0.0.1:8000", products=0
    )
    assert (third.wiring.shared_secret, third.supplier.action) == (None, "unchanged")


# -- the command ----------------------------------------------------------------------------


def test_demo_takes_both_urls_or_neither(invoke: Invoke) -> None:
    result = invoke("demo", "--marketplace-url", "http://127.0.0.1:8000")

    assert result.exit_code == 2
    assert "give both --marketplace-url and --sandbox-url, or neither" in result.stderr


def test_demo_without_chromium_says_how_to_get_it(invoke: Invoke) -> None:
    result = invoke("demo", "--chromium", "/nonexistent/chromium")

    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        "error: Chromium is missing at /nonexistent/chromium: run `make test` (it installs "
        "Debian's Chromium) or `sudo apt-get install chromium`"
    ]


def test_demo_setup_says_to_start_the_sandbox_when_it_does_not_answer(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(demo_sandbox, "is_up", lambda url: False)

    result = invoke("demo", "setup", "--sandbox-url", "http://127.0.0.1:8100", "--wait", "0")

    assert result.exit_code == 1
    assert "The buyer sandbox at http://127.0.0.1:8100 did not answer" in result.stderr
    assert "start it with `sandbox serve`" in result.stderr
