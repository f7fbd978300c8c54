"""``marketplace demo`` as a newcomer runs it: both apps started on loopback ports, the flow
headless in Chromium, every step printed, ending with the PO, the agreement and the invoice."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

MARKETPLACE = str(Path(sys.executable).with_name("marketplace"))
LAST_LINE = re.compile(r"PO (\d+) · agreement (agmt-\w+) · invoice (INV-[\w-]+) \(")


def test_demo_buys_through_the_sandbox_and_names_the_po_agreement_and_invoice() -> None:
    done = subprocess.run(
        [MARKETPLACE, "demo"], capture_output=True, text=True, timeout=240, check=False
    )

    assert done.returncode == 0, done.stdout + done.stderr
    output = done.stdout
    found = LAST_LINE.search(output.strip().splitlines()[-1])
    assert found is not None, output
    po_number, agreement_id, invoice_number = found.groups()
    assert f"Purchase order {po_number} goes to the marketplace" in output
    assert f"agreement {agreement_id}: active" in output
    assert f'invoiceID="{invoice_number}"' in output  # the invoice as it crossed the wire
    for document in ("PunchOutSetupRequest", "PunchOutOrderMessage", "OrderRequest"):
        assert f"{document}: From " in output
    assert re.search(r"<SharedSecret>(?!\(removed\))", output) is None
    assert [int(n) for n in re.findall(r"^\[(\d)/8\]", output, re.MULTILINE)] == list(range(1, 9))


def test_demo_without_chromium_says_how_to_install_it() -> None:
    done = subprocess.run(
        [MARKETPLACE, "demo", "--chromium", "/nonexistent/chromium"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert done.returncode == 1
    assert "Chromium is missing at /nonexistent/chromium" in done.stderr
    assert "make test" in done.stderr
    assert "Traceback" not in done.stderr
