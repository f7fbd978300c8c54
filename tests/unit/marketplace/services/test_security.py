"""Password hashes and API keys."""

from __future__ import annotations

import hashlib
import re

import pytest
from argon2 import PasswordHasher
from fast_passwords import cheap_password_hasher

from marketplace.services import security

CHEAP = cheap_password_hasher()
PRODUCTION_HASHER = security.default_password_hasher  # taken before the tests patch it
KEY = re.compile(r"mk_([a-z0-9]{12})_([A-Za-z0-9_-]{32})")


def test_a_password_hash_is_argon2id_and_verifies_only_its_password() -> None:
    hashed = security.hash_password("correct horse battery", hasher=CHEAP)

    assert hashed.startswith("$argon2id$")
    assert security.verify_password(hashed, "correct horse battery", hasher=CHEAP)
    assert not security.verify_password(hashed, "correct horse battery!", hasher=CHEAP)
    assert not security.verify_password(hashed, "", hasher=CHEAP)


def test_the_same_password_hashes_differently_each_time() -> None:
    first = security.hash_password("correct horse battery", hasher=CHEAP)
    second = security.hash_password("correct horse battery", hasher=CHEAP)

    assert first != second


def test_a_hash_verifies_whatever_hasher_checks_it_because_its_cost_is_inside() -> None:
    hashed = security.hash_password("correct horse battery", hasher=CHEAP)

    assert security.verify_password(hashed, "correct horse battery", hasher=PasswordHasher())


@pytest.mark.parametrize("stored", ["", "not a hash", "$argon2id$v=19$m=8,t=1,p=1$broken"])
def test_a_damaged_stored_hash_never_verifies_and_never_raises(stored: str) -> None:
    assert not security.verify_password(stored, "anything at all", hasher=CHEAP)


def test_the_production_hasher_uses_argon2id_at_argon2_cffis_default_cost() -> None:
    default = PRODUCTION_HASHER()

    assert default.type.name == "ID"
    assert default.time_cost == PasswordHasher().time_cost >= 2
    assert default.memory_cost == PasswordHasher().memory_cost >= 19 * 1024


def test_spending_a_password_check_returns_nothing_and_accepts_any_password() -> None:
    security.spend_password_check("whatever", hasher=CHEAP)
    security.spend_password_check("", hasher=CHEAP)


def test_a_new_api_key_has_the_documented_shape_and_hash() -> None:
    key, prefix, key_hash = security.new_api_key()

    match = KEY.fullmatch(key)
    assert match is not None
    assert match.group(1) == prefix
    assert key_hash == hashlib.sha256(key.encode()).hexdigest() == security.hash_api_key(key)


def test_api_keys_are_random() -> None:
    keys = {security.new_api_key()[0] for _ in range(200)}
    prefixes = {key.split("_")[1] for key in keys}

    assert len(keys) == len(prefixes) == 200


def test_a_well_formed_key_gives_its_prefix_back() -> None:
    key, prefix, _ = security.new_api_key()

    assert security.parse_api_key(key) == prefix


@pytest.mark.parametrize(
    "key",
    [
        "",
        "mk_",
        "mk_abcdefghijkl_",
        "mk_abcdefghijkl_" + "a" * 31,
        "mk_abcdefghijkl_" + "a" * 33,
        "mk_ABCDEFGHIJKL_" + "a" * 32,
        "mk_abcdefghijk_" + "a" * 32,
        "xx_abcdefghijkl_" + "a" * 32,
        "Bearer mk_abcdefghijkl_" + "a" * 32,
    ],
)
def test_a_malformed_key_has_no_prefix(key: str) -> None:
    assert security.parse_api_key(key) is None


def test_a_secret_part_may_hold_underscores_and_dashes() -> None:
    key = "mk_abcdefghijkl_" + "_-" * 16

    assert security.parse_api_key(key) == "abcdefghijkl"


def test_hashes_compare_equal_only_when_identical() -> None:
    digest = security.hash_api_key("mk_x")

    assert security.same_hash(digest, digest)
    assert not security.same_hash(digest, security.hash_api_key("mk_y"))
    assert not security.same_hash(digest, "")
