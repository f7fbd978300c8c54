"""Account ids, e-mail addresses, and the small rules of accounts and keys."""

from __future__ import annotations

import datetime as dt

import pytest

from marketplace.domain.accounts import (
    Account,
    AccountKind,
    ApiKey,
    is_account_id,
    normalize_email,
)

NOW = dt.datetime(2024, 5, 1, tzinfo=dt.UTC)


@pytest.mark.parametrize("value", ["123456789012", "000000000000", "999999999999"])
def test_twelve_ascii_digits_are_an_account_id(value: str) -> None:
    assert is_account_id(value)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "12345678901",
        "1234567890123",
        "12345678901a",
        " 123456789012",
        "123456789012\n",  # "$" alone would accept a final newline
        "\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669\u0660\u0661\u0662",  # Arabic-Indic
        "".join(chr(0xFF10 + int(d)) for d in "123456789012"),  # full-width digits
        "1234-5678-9012",
    ],
)
def test_anything_else_is_not_an_account_id(value: str) -> None:
    assert not is_account_id(value)


@pytest.mark.parametrize(
    ("value", "normalized"),
    [
        ("it@acme.example", "it@acme.example"),
        ("  IT@Acme.Example \n", "it@acme.example"),
        ("first.last+tag@mail.acme.example", "first.last+tag@mail.acme.example"),
    ],
)
def test_an_email_address_is_trimmed_and_lower_cased(value: str, normalized: str) -> None:
    assert normalize_email(value) == normalized


@pytest.mark.parametrize(
    "value",
    [
        "",
        "   ",
        "it",
        "it@",
        "@acme.example",
        "it@acme",
        "it@@acme.example",
        "it@acme..example",
        "it@.acme.example",
        "it@acme.example.",
        "i t@acme.example",
        "it@acme.example\x00",
        "it\x07@acme.example",
    ],
)
def test_a_malformed_email_address_is_refused(value: str) -> None:
    assert normalize_email(value) is None


def test_only_the_management_account_is_management() -> None:
    def account(kind: AccountKind) -> Account:
        return Account(id="1" * 12, organization_id="o-1", name="A", kind=kind, created_at=NOW)

    assert account(AccountKind.MANAGEMENT).is_management
    assert not account(AccountKind.MEMBER).is_management


def test_an_api_key_is_active_until_revoked() -> None:
    key = ApiKey(id="k-1", user_id="u-1", prefix="p", key_hash="h", created_at=NOW)

    assert key.active
    assert not ApiKey(
        id="k-1", user_id="u-1", prefix="p", key_hash="h", created_at=NOW, revoked_at=NOW
    ).active
