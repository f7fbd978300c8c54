"""Policy evaluation: IAM's rules, the management-only actions, and every managed policy."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketplace.domain.policies import (
    ACCOUNT_ADMIN_POLICY,
    ACTIONS,
    BUYER_POLICY,
    MANAGED_POLICIES,
    MANAGEMENT_ONLY_ACTIONS,
    PROCUREMENT_ADMIN_POLICY,
    READ_ONLY_POLICY,
    Decision,
    Effect,
    Policy,
    Statement,
    evaluate,
)

ALL_ACTIONS = sorted(value for name, value in vars(ACTIONS).items() if name.isupper())


def allow(*actions: str, resources: tuple[str, ...] = ("*",)) -> Policy:
    return Policy("allow", (Statement(Effect.ALLOW, actions, resources),))


def deny(*actions: str, resources: tuple[str, ...] = ("*",)) -> Policy:
    return Policy("deny", (Statement(Effect.DENY, actions, resources),))


# --- the basic rules -------------------------------------------------------------------------


def test_a_matching_allow_statement_allows() -> None:
    assert evaluate([allow("iam:ListUsers")], "iam:ListUsers") is Decision.ALLOW


def test_a_matching_deny_statement_denies_explicitly() -> None:
    assert evaluate([deny("iam:ListUsers")], "iam:ListUsers") is Decision.EXPLICIT_DENY


def test_no_policy_at_all_is_an_implicit_deny() -> None:
    assert evaluate([], "iam:ListUsers") is Decision.IMPLICIT_DENY


def test_a_statement_for_another_action_is_an_implicit_deny() -> None:
    assert evaluate([allow("iam:ListUsers")], "iam:CreateUser") is Decision.IMPLICIT_DENY


def test_a_deny_for_another_action_does_not_block_an_allow() -> None:
    policies = [allow("iam:ListUsers"), deny("iam:CreateUser")]

    assert evaluate(policies, "iam:ListUsers") is Decision.ALLOW


def test_a_statement_without_actions_matches_nothing() -> None:
    assert evaluate([allow()], "iam:ListUsers") is Decision.IMPLICIT_DENY


def test_only_allow_is_allowed() -> None:
    assert Decision.ALLOW.allowed
    assert not Decision.EXPLICIT_DENY.allowed
    assert not Decision.IMPLICIT_DENY.allowed


def test_policies_may_be_given_as_a_one_shot_iterator() -> None:
    policies = iter([deny("iam:CreateUser"), allow("iam:*")])

    assert evaluate(policies, "iam:ListUsers") is Decision.ALLOW


# --- deny beats allow ------------------------------------------------------------------------


def test_deny_beats_allow_in_the_same_policy() -> None:
    policy = Policy(
        "mixed",
        (
            Statement(Effect.ALLOW, ("iam:*",)),
            Statement(Effect.DENY, ("iam:CreateUser",)),
        ),
    )

    assert evaluate([policy], "iam:CreateUser") is Decision.EXPLICIT_DENY
    assert evaluate([policy], "iam:ListUsers") is Decision.ALLOW


@pytest.mark.parametrize("deny_first", [True, False])
def test_deny_beats_allow_across_policies_in_either_order(deny_first: bool) -> None:
    policies = [allow("iam:CreateUser"), deny("iam:CreateUser")]
    if deny_first:
        policies.reverse()

    assert evaluate(policies, "iam:CreateUser") is Decision.EXPLICIT_DENY


def test_a_wildcard_deny_beats_a_managed_policy_allow() -> None:
    policies = [ACCOUNT_ADMIN_POLICY, deny("aws-marketplace:*")]

    assert evaluate(policies, ACTIONS.SUBSCRIBE) is Decision.EXPLICIT_DENY
    assert evaluate(policies, ACTIONS.CREATE_USER) is Decision.ALLOW


_ACTION_NAMES = st.sampled_from([*ALL_ACTIONS, "iam:Anything", "ec2:RunInstances"])
_PATTERNS = st.one_of(
    _ACTION_NAMES,
    st.sampled_from(["*", "aws-marketplace:*", "organizations:Describe*", "iam:*", "*:List*"]),
)
_STATEMENTS = st.builds(
    Statement,
    st.sampled_from(Effect),
    st.lists(_PATTERNS, max_size=3).map(tuple),
)
_POLICIES = st.lists(
    st.builds(Policy, st.just("generated"), st.lists(_STATEMENTS, max_size=3).map(tuple)),
    max_size=4,
)


@given(policies=_POLICIES, action=_ACTION_NAMES, management=st.booleans())
def test_an_explicit_deny_anywhere_always_wins(
    policies: list[Policy], action: str, management: bool
) -> None:
    denied = deny(action)
    for position in range(len(policies) + 1):
        mixed = [*policies[:position], denied, *policies[position:]]

        assert evaluate(mixed, action, management_account=management) is Decision.EXPLICIT_DENY


@given(policies=_POLICIES, action=_ACTION_NAMES)
def test_the_decision_follows_the_statements_that_match(
    policies: list[Policy], action: str
) -> None:
    matching = [s for p in policies for s in p.statements if s.matches(action, "*")]
    expected = (
        Decision.EXPLICIT_DENY
        if any(s.effect is Effect.DENY for s in matching)
        else Decision.ALLOW
        if matching
        else Decision.IMPLICIT_DENY
    )

    assert evaluate(policies, action) is expected


@given(policies=_POLICIES, action=_ACTION_NAMES)
def test_the_order_of_policies_never_changes_the_decision(
    policies: list[Policy], action: str
) -> None:
    assert evaluate(policies, action) is evaluate(list(reversed(policies)), action)


@given(policies=_POLICIES, action=_ACTION_NAMES)
def test_adding_an_allow_never_turns_a_deny_into_an_allow_or_an_allow_into_a_deny(
    policies: list[Policy], action: str
) -> None:
    before = evaluate(policies, action)
    after = evaluate([*policies, allow(action)], action)

    assert after is (Decision.EXPLICIT_DENY if before is Decision.EXPLICIT_DENY else Decision.ALLOW)


# --- wildcards -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "action", "matches"),
    [
        ("aws-marketplace:*", "aws-marketplace:Subscribe", True),
        ("aws-marketplace:*", "aws-marketplace:PutProcurementSystemConfiguration", True),
        ("aws-marketplace:*", "organizations:ListAccounts", False),
        ("aws-marketplace:*", "aws-marketplace", False),
        ("aws-marketplace:*", "xaws-marketplace:Subscribe", False),
        ("organizations:Describe*", "organizations:DescribeOrganization", True),
        ("organizations:Describe*", "organizations:DescribeAccount", True),
        ("organizations:Describe*", "organizations:Describe", True),
        ("organizations:Describe*", "organizations:ListAccounts", False),
        ("organizations:Describe*", "organizations:CreateAccount", False),
        ("organizations:Describe*", "organization:DescribeOrganization", False),
        ("*", "iam:CreateUser", True),
        ("*", "", True),
        ("*:List*", "invoicing:ListProcurementPortalPreferences", True),
        ("iam:*User", "iam:CreateUser", True),
        ("iam:*User", "iam:CreateUsers", False),
        ("iam:?istUsers", "iam:ListUsers", True),
        ("iam:?istUsers", "iam:istUsers", False),
        ("iam:ListUsers", "iam:ListUsersAndMore", False),
        ("iam:ListUsers", "prefix-iam:ListUsers", False),
    ],
)
def test_action_wildcards_follow_iam(pattern: str, action: str, matches: bool) -> None:
    expected = Decision.ALLOW if matches else Decision.IMPLICIT_DENY

    assert evaluate([allow(pattern)], action) is expected


@pytest.mark.parametrize(
    ("pattern", "action"),
    [
        ("iam:[LC]*", "iam:ListUsers"),  # not a character class
        ("iam:[!C]*", "iam:ListUsers"),
        ("iam:List.sers", "iam:ListUsers"),  # not a regular expression either
        ("iam:List(Users)", "iam:ListUsers"),
        ("iam:List\\Users", "iam:ListUsers"),
    ],
)
def test_only_star_and_question_mark_are_wildcards(pattern: str, action: str) -> None:
    assert evaluate([allow(pattern)], action) is Decision.IMPLICIT_DENY
    assert evaluate([allow(pattern)], pattern) is Decision.ALLOW


def test_a_newline_in_an_action_does_not_end_the_match_early() -> None:
    assert evaluate([allow("iam:ListUsers")], "iam:ListUsers\n") is Decision.IMPLICIT_DENY
    assert evaluate([allow("iam:*")], "iam:List\nUsers") is Decision.ALLOW


# --- case ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "action",
    [
        "iam:listusers",
        "IAM:LISTUSERS",
        "Iam:ListUsers",
        "iAm:lIsTuSeRs",
    ],
)
def test_action_names_match_in_any_case(action: str) -> None:
    assert evaluate([allow("iam:ListUsers")], action) is Decision.ALLOW
    assert evaluate([allow("IAM:list*")], action) is Decision.ALLOW
    assert evaluate([deny("iam:LISTUSERS"), allow("*")], action) is Decision.EXPLICIT_DENY


@pytest.mark.parametrize(
    ("pattern", "action"),
    [
        ("aws-marketplace:Subscribe", "aws-marketplace:\u017fubscribe"),  # long s
        ("iam:CreateAccessKey", "iam:CreateAccess\u212aey"),  # Kelvin sign
        ("iam:CreateUser", "\u0130am:CreateUser"),  # dotted capital I
    ],
)
def test_unicode_look_alikes_do_not_match_ascii_action_names(pattern: str, action: str) -> None:
    assert evaluate([allow(pattern)], action) is Decision.IMPLICIT_DENY


def test_a_look_alike_spelling_cannot_slip_a_management_only_action_past_a_member_account() -> None:
    spelled = "aws-marketplace:PutProcurement\u017fystemConfiguration"

    decision = evaluate([PROCUREMENT_ADMIN_POLICY], spelled, management_account=False)

    assert not decision.allowed


def test_resources_match_exactly_with_wildcards() -> None:
    policy = allow("s3:GetObject", resources=("arn:aws:s3:::reports/*",))

    assert evaluate([policy], "s3:GetObject", "arn:aws:s3:::reports/2024.csv").allowed
    assert not evaluate([policy], "s3:GetObject", "arn:aws:s3:::other/2024.csv").allowed
    assert not evaluate([policy], "s3:GetObject").allowed  # "*" is a resource name here


def test_resources_are_case_sensitive_like_arns() -> None:
    policy = allow("s3:GetObject", resources=("arn:aws:s3:::Reports/*",))

    assert evaluate([policy], "s3:GetObject", "arn:aws:s3:::Reports/a").allowed
    assert not evaluate([policy], "s3:GetObject", "arn:aws:s3:::reports/a").allowed


def test_a_deny_on_one_resource_leaves_the_others_allowed() -> None:
    policies = [allow("s3:*"), deny("s3:*", resources=("arn:aws:s3:::secret/*",))]

    assert evaluate(policies, "s3:GetObject", "arn:aws:s3:::public/a").allowed
    assert evaluate(policies, "s3:GetObject", "arn:aws:s3:::secret/a") is Decision.EXPLICIT_DENY


# --- member and management accounts -----------------------------------------------------------


def test_the_management_only_actions_are_procurement_and_account_management() -> None:
    assert {
        ACTIONS.PUT_PROCUREMENT_CONFIGURATION,
        ACTIONS.DESCRIBE_PROCUREMENT_CONFIGURATION,
        ACTIONS.CREATE_ACCOUNT,
        ACTIONS.LIST_ACCOUNTS,
        ACTIONS.CREATE_PORTAL_PREFERENCE,
        ACTIONS.GET_PORTAL_PREFERENCE,
        ACTIONS.LIST_PORTAL_PREFERENCES,
        ACTIONS.PUT_PORTAL_PREFERENCE,
        ACTIONS.UPDATE_PORTAL_PREFERENCE,
        ACTIONS.LOOKUP_AUDIT_EVENTS,
    } == MANAGEMENT_ONLY_ACTIONS


@pytest.mark.parametrize("action", sorted(MANAGEMENT_ONLY_ACTIONS))
def test_a_member_account_is_denied_management_only_actions_even_with_a_star_allow(
    action: str,
) -> None:
    everything = [allow("*")]

    assert evaluate(everything, action, management_account=False) is Decision.EXPLICIT_DENY
    assert evaluate(everything, action.upper(), management_account=False) is (
        Decision.EXPLICIT_DENY
    )
    assert evaluate(everything, action, management_account=True) is Decision.ALLOW


@pytest.mark.parametrize("action", sorted(set(ALL_ACTIONS) - MANAGEMENT_ONLY_ACTIONS))
def test_a_member_account_keeps_every_other_action_its_policies_allow(action: str) -> None:
    assert evaluate([allow("*")], action, management_account=False) is Decision.ALLOW


def test_the_management_account_is_assumed_unless_told_otherwise() -> None:
    action = ACTIONS.PUT_PROCUREMENT_CONFIGURATION

    assert evaluate([PROCUREMENT_ADMIN_POLICY], action) is Decision.ALLOW


# --- every managed policy x every action -------------------------------------------------------

A = ACTIONS
EXPECTED_ON_MANAGEMENT_ACCOUNT: dict[str, set[str]] = {
    "AWSMarketplaceProcurementSystemAdminFullAccess": {
        A.PUT_PROCUREMENT_CONFIGURATION,
        A.DESCRIBE_PROCUREMENT_CONFIGURATION,
        A.DESCRIBE_ORGANIZATION,
        A.DESCRIBE_ACCOUNT,
        A.LIST_ACCOUNTS,
        A.CREATE_PORTAL_PREFERENCE,
        A.GET_PORTAL_PREFERENCE,
        A.LIST_PORTAL_PREFERENCES,
    },
    "MarketplaceBuyerAccess": {
        A.SEARCH_LISTINGS,
        A.DESCRIBE_LISTINGS,
        A.SUBSCRIBE,
        A.VIEW_SUBSCRIPTIONS,
        A.LIST_AGREEMENTS,
    },
    "MarketplaceReadOnlyAccess": {
        A.SEARCH_LISTINGS,
        A.DESCRIBE_LISTINGS,
        A.VIEW_SUBSCRIPTIONS,
        A.LIST_AGREEMENTS,
        A.DESCRIBE_PROCUREMENT_CONFIGURATION,
        A.DESCRIBE_ORGANIZATION,
        A.DESCRIBE_ACCOUNT,
        A.LIST_ACCOUNTS,
        A.GET_PORTAL_PREFERENCE,
        A.LIST_PORTAL_PREFERENCES,
        A.LOOKUP_AUDIT_EVENTS,
    },
    "MarketplaceAccountAdministrator": {
        A.SEARCH_LISTINGS,
        A.DESCRIBE_LISTINGS,
        A.SUBSCRIBE,
        A.VIEW_SUBSCRIPTIONS,
        A.LIST_AGREEMENTS,
        A.PUT_PROCUREMENT_CONFIGURATION,
        A.DESCRIBE_PROCUREMENT_CONFIGURATION,
        A.DESCRIBE_ORGANIZATION,
        A.DESCRIBE_ACCOUNT,
        A.LIST_ACCOUNTS,
        A.CREATE_ACCOUNT,
        A.CREATE_USER,
        A.LIST_USERS,
        A.CREATE_ACCESS_KEY,
        A.DELETE_ACCESS_KEY,
        A.PUT_PORTAL_PREFERENCE,
        A.LOOKUP_AUDIT_EVENTS,
    },
}
EXPECTED_ON_MEMBER_ACCOUNT: dict[str, set[str]] = {
    "AWSMarketplaceProcurementSystemAdminFullAccess": {
        A.DESCRIBE_ORGANIZATION,
        A.DESCRIBE_ACCOUNT,
    },
    "MarketplaceBuyerAccess": EXPECTED_ON_MANAGEMENT_ACCOUNT["MarketplaceBuyerAccess"],
    "MarketplaceReadOnlyAccess": {
        A.SEARCH_LISTINGS,
        A.DESCRIBE_LISTINGS,
        A.VIEW_SUBSCRIPTIONS,
        A.LIST_AGREEMENTS,
        A.DESCRIBE_ORGANIZATION,
        A.DESCRIBE_ACCOUNT,
    },
    "MarketplaceAccountAdministrator": {
        A.SEARCH_LISTINGS,
        A.DESCRIBE_LISTINGS,
        A.SUBSCRIBE,
        A.VIEW_SUBSCRIPTIONS,
        A.LIST_AGREEMENTS,
        A.DESCRIBE_ORGANIZATION,
        A.DESCRIBE_ACCOUNT,
        A.CREATE_USER,
        A.LIST_USERS,
        A.CREATE_ACCESS_KEY,
        A.DELETE_ACCESS_KEY,
    },
}


def test_the_expected_tables_cover_every_managed_policy() -> None:
    assert set(EXPECTED_ON_MANAGEMENT_ACCOUNT) == set(MANAGED_POLICIES)
    assert set(EXPECTED_ON_MEMBER_ACCOUNT) == set(MANAGED_POLICIES)


def test_the_managed_policies_are_registered_under_their_names() -> None:
    assert {
        policy.name: policy
        for policy in (
            PROCUREMENT_ADMIN_POLICY,
            BUYER_POLICY,
            READ_ONLY_POLICY,
            ACCOUNT_ADMIN_POLICY,
        )
    } == MANAGED_POLICIES


def test_the_procurement_admin_policy_grants_exactly_the_published_v2_actions() -> None:
    (statement,) = PROCUREMENT_ADMIN_POLICY.statements

    assert statement.effect is Effect.ALLOW
    assert statement.resources == ("*",)
    assert set(statement.actions) == {
        "aws-marketplace:PutProcurementSystemConfiguration",
        "aws-marketplace:DescribeProcurementSystemConfiguration",
        "organizations:Describe*",
        "organizations:List*",
        "invoicing:CreateProcurementPortalPreference",
        "invoicing:GetProcurementPortalPreference",
        "invoicing:ListProcurementPortalPreferences",
    }


@pytest.mark.parametrize("management", [True, False], ids=["management", "member"])
@pytest.mark.parametrize("action", ALL_ACTIONS)
@pytest.mark.parametrize("policy_name", sorted(MANAGED_POLICIES))
def test_every_managed_policy_decides_every_action_as_the_table_says(
    policy_name: str, action: str, management: bool
) -> None:
    table = EXPECTED_ON_MANAGEMENT_ACCOUNT if management else EXPECTED_ON_MEMBER_ACCOUNT
    policy = MANAGED_POLICIES[policy_name]

    decision = evaluate([policy], action, management_account=management)

    assert decision.allowed is (action in table[policy_name])
    if not decision.allowed:
        member_block = not management and action in MANAGEMENT_ONLY_ACTIONS
        assert decision is (Decision.EXPLICIT_DENY if member_block else Decision.IMPLICIT_DENY)


@pytest.mark.parametrize("management", [True, False], ids=["management", "member"])
def test_the_first_administrator_policies_together_allow_the_union_of_their_tables(
    management: bool,
) -> None:
    table = EXPECTED_ON_MANAGEMENT_ACCOUNT if management else EXPECTED_ON_MEMBER_ACCOUNT
    policies = [PROCUREMENT_ADMIN_POLICY, ACCOUNT_ADMIN_POLICY, BUYER_POLICY]
    expected = set().union(*(table[p.name] for p in policies))

    allowed = {
        a for a in ALL_ACTIONS if evaluate(policies, a, management_account=management).allowed
    }

    assert allowed == expected


def test_no_managed_policy_grants_updating_a_portal_preference() -> None:
    action = ACTIONS.UPDATE_PORTAL_PREFERENCE

    for policy in MANAGED_POLICIES.values():
        assert not evaluate([policy], action).allowed
