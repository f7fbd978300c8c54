"""Credentials: secrets compared in constant time, domains in any case, secrets never shown."""

from __future__ import annotations

import datetime as dt

import pytest

import cxml

SECRET = "tQ7#vN2!pL9x"


# --- secret_matches -----------------------------------------------------------------------


def test_an_equal_secret_matches() -> None:
    assert cxml.secret_matches(SECRET, SECRET)


@pytest.mark.parametrize(
    "given",
    ["tQ7#vN2!pL9", "tQ7#vN2!pL9xx", "TQ7#VN2!PL9X", " tQ7#vN2!pL9x", "", "x"],
)
def test_a_different_secret_does_not_match(given: str) -> None:
    assert not cxml.secret_matches(given, SECRET)


def test_no_secret_given_never_matches_even_an_empty_one() -> None:
    assert not cxml.secret_matches(None, SECRET)
    assert not cxml.secret_matches(None, "")
    assert not cxml.secret_matches(None, [SECRET, ""])


def test_during_rotation_either_the_old_or_the_new_secret_matches() -> None:
    candidates = ["old-secret-2024", "new-secret-2025"]
    assert cxml.secret_matches("old-secret-2024", candidates)
    assert cxml.secret_matches("new-secret-2025", candidates)
    assert cxml.secret_matches("new-secret-2025", tuple(candidates))
    assert cxml.secret_matches("new-secret-2025", (c for c in candidates))
    assert not cxml.secret_matches("other-secret", candidates)
    assert not cxml.secret_matches("new-secret-2025", [])


def test_a_single_string_is_one_candidate_not_a_set_of_characters() -> None:
    assert not cxml.secret_matches("t", SECRET)
    assert not cxml.secret_matches("Q", SECRET)


def test_unicode_secrets_are_compared_exactly() -> None:
    secret = "pässwörd-秘密-🔑"
    assert cxml.secret_matches(secret, secret)
    assert cxml.secret_matches(secret, ["ascii-only", secret])
    assert not cxml.secret_matches("passwörd-秘密-🔑", secret)
    assert not cxml.secret_matches("pässwörd-秘密", secret)


# --- Credential.matches and Party.find ----------------------------------------------------


@pytest.mark.parametrize("domain", ["DUNS", "duns", "Duns", "dUnS", " DUNS "])
def test_the_domain_matches_in_any_case(domain: str) -> None:
    assert cxml.Credential("duns", "123456789").matches(domain, "123456789")
    assert cxml.Credential(domain, "123456789").matches("DUNS", "123456789")


@pytest.mark.parametrize("identity", ["123456788", "1234567890", "AN01-T", "an01", ""])
def test_the_identity_must_be_the_same(identity: str) -> None:
    assert not cxml.Credential("DUNS", "123456789").matches("DUNS", identity)


def test_the_identity_is_compared_exactly_apart_from_surrounding_spaces() -> None:
    credential = cxml.Credential("NetworkID", "AN01061233590-T")
    assert credential.matches("networkid", "AN01061233590-T")
    assert credential.matches("NetworkID", " AN01061233590-T ")
    assert not credential.matches("NetworkID", "an01061233590-t")
    assert not credential.matches("NetworkID", "AN01061233590")
    assert not credential.matches("DUNS", "AN01061233590-T")


def test_a_party_finds_any_of_its_credentials() -> None:
    party = cxml.Party(
        (
            cxml.Credential("NetworkID", "AN01061233590-T"),
            cxml.Credential("DUNS", "123456789"),
            cxml.Credential("PrivateId", "VND-004812"),
        )
    )
    assert party.find("duns", "123456789") == party.credentials[1]
    assert party.find("PRIVATEID", "VND-004812") == party.credentials[2]
    assert party.find("DUNS", "VND-004812") is None


def test_a_party_reports_its_first_secret() -> None:
    party = cxml.Party(
        (cxml.Credential("DUNS", "1"), cxml.Credential("NetworkID", "AN1", "the-secret"))
    )
    assert party.shared_secret == "the-secret"
    assert cxml.Party.of("DUNS", "1").shared_secret is None


# --- secrets out of sight -----------------------------------------------------------------


def _header() -> cxml.Header:
    return cxml.Header(
        from_=cxml.Party((cxml.Credential("DUNS", "077665544", "from-secret"),)),
        to=cxml.Party(
            (
                cxml.Credential("NetworkID", "AN01-T", "to-secret", type="marketplace"),
                cxml.Credential("DUNS", "123456789"),
            )
        ),
        sender=cxml.Party.of("AribaNetworkUserId", "sysadmin@ariba.com", SECRET),
        user_agent="Coupa Procurement 1.0",
    )


def test_a_header_without_secrets_keeps_everything_but_the_secrets() -> None:
    header = _header()
    clean = header.without_secrets()
    for before, after in (
        (header.from_, clean.from_),
        (header.to, clean.to),
        (header.sender, clean.sender),
    ):
        assert [(c.domain, c.identity, c.type) for c in after.credentials] == [
            (c.domain, c.identity, c.type) for c in before.credentials
        ]
        assert all(c.shared_secret is None for c in after.credentials)
    assert clean.user_agent == header.user_agent
    assert header.sender.shared_secret == SECRET  # the original is untouched


def test_a_header_without_secrets_serializes_without_a_shared_secret_element() -> None:
    doc = cxml.Document(
        payload_id="1.2.3@test.example",
        timestamp=dt.datetime(2025, 3, 18, tzinfo=dt.UTC),
        payload=cxml.ProfileRequest(),
        header=_header().without_secrets(),
    )
    data = cxml.serialize(doc)
    assert b"SharedSecret" not in data
    assert SECRET.encode() not in data


def test_the_repr_of_a_credential_never_shows_the_secret() -> None:
    credential = cxml.Credential("DUNS", "123456789", SECRET)
    for text in (repr(credential), str(credential), f"{credential}", f"{credential!r}"):
        assert SECRET not in text
        assert "123456789" in text


def test_the_repr_of_a_header_party_or_document_never_shows_a_secret() -> None:
    header = _header()
    doc = cxml.Document(
        payload_id="1.2.3@test.example",
        timestamp=dt.datetime(2025, 3, 18, tzinfo=dt.UTC),
        payload=cxml.ProfileRequest(),
        header=header,
    )
    for shown in (repr(header), str(header), repr(header.sender), repr(doc), str(doc)):
        for secret in (SECRET, "from-secret", "to-secret"):
            assert secret not in shown
    assert "sysadmin@ariba.com" in repr(header)


def test_a_parsed_documents_repr_never_shows_the_secret_it_carried() -> None:
    doc = cxml.Document(
        payload_id="1.2.3@test.example",
        timestamp=dt.datetime(2025, 3, 18, tzinfo=dt.UTC),
        payload=cxml.ProfileRequest(),
        header=_header(),
    )
    back = cxml.parse(cxml.serialize(doc))
    assert back.header is not None
    assert back.header.sender.shared_secret == SECRET
    assert SECRET not in repr(back)
