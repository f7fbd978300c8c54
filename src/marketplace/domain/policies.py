"""IAM-style permission policies and their evaluation, as a pure function.

A policy is a list of statements; each statement allows or denies a list of actions (``*``
wildcards allowed, as in ``aws-marketplace:*`` or ``organizations:Describe*``) on resources.
Evaluation follows IAM: an explicit Deny wins over any Allow; with no matching statement the
answer is an implicit deny. Some actions exist only for the organization's management account
(the procurement configuration is kept there): for a member account they are denied whatever
the policies say.

Matching follows IAM too: ``*`` matches any run of characters and ``?`` any one character;
everything else is literal (``[`` included). Action names compare case-insensitively in ASCII
only, so that the long s (U+017F) or the Kelvin sign (U+212A) cannot stand in for ``s`` or
``k`` (Unicode case folding would let a member account reach a management-only action by
spelling it so). Resources (ARNs) compare case-sensitively.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "ACTIONS",
    "BUYER_POLICY",
    "MANAGED_POLICIES",
    "MANAGEMENT_ONLY_ACTIONS",
    "PROCUREMENT_ADMIN_POLICY",
    "READ_ONLY_POLICY",
    "Decision",
    "Effect",
    "Policy",
    "Statement",
    "evaluate",
]


class Effect(enum.Enum):
    """What a statement does to the actions it matches."""

    ALLOW = "Allow"
    DENY = "Deny"


class Decision(enum.Enum):
    """The outcome of an evaluation."""

    ALLOW = "allow"
    EXPLICIT_DENY = "explicit_deny"
    IMPLICIT_DENY = "implicit_deny"

    @property
    def allowed(self) -> bool:
        """True only for ALLOW."""
        return self is Decision.ALLOW


@dataclass(frozen=True, slots=True)
class Statement:
    """Effect, actions (with ``*`` wildcards) and resources (``*`` for all)."""

    effect: Effect
    actions: tuple[str, ...]
    resources: tuple[str, ...] = ("*",)

    def matches(self, action: str, resource: str) -> bool:
        """True when this statement covers ``action`` (any case) on ``resource`` (exact case)."""
        return any(_action_pattern(a).fullmatch(action) for a in self.actions) and any(
            _resource_pattern(r).fullmatch(resource) for r in self.resources
        )


@dataclass(frozen=True, slots=True)
class Policy:
    """A named policy (a managed policy, attached to users by name)."""

    name: str
    statements: tuple[Statement, ...]
    description: str = ""


def _translate(glob: str) -> str:
    """An IAM wildcard as a regular expression: ``*`` and ``?`` are the only wildcards."""
    return "".join(
        ".*" if char == "*" else "." if char == "?" else re.escape(char) for char in glob
    )


@lru_cache(maxsize=1024)
def _action_pattern(glob: str) -> re.Pattern[str]:
    return re.compile(_translate(glob), re.IGNORECASE | re.ASCII | re.DOTALL)


@lru_cache(maxsize=1024)
def _resource_pattern(glob: str) -> re.Pattern[str]:
    return re.compile(_translate(glob), re.DOTALL)


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _ascii_lower(text: str) -> str:
    """Lower-case ASCII letters only (the case-insensitivity of action names)."""
    return text.translate(_ASCII_LOWER)


def evaluate(
    policies: Iterable[Policy],
    action: str,
    resource: str = "*",
    *,
    management_account: bool = True,
) -> Decision:
    """Decide ``action`` on ``resource``: explicit deny beats allow; nothing matching denies."""
    if not management_account and _ascii_lower(action) in _MANAGEMENT_ONLY_LOWER:
        return Decision.EXPLICIT_DENY
    allowed = False
    for policy in policies:
        for statement in policy.statements:
            if statement.matches(action, resource):
                if statement.effect is Effect.DENY:
                    return Decision.EXPLICIT_DENY
                allowed = True
    return Decision.ALLOW if allowed else Decision.IMPLICIT_DENY


class ACTIONS:
    """The actions the marketplace checks, by the name a policy uses."""

    SEARCH_LISTINGS = "aws-marketplace:SearchListings"
    DESCRIBE_LISTINGS = "aws-marketplace:DescribeListings"
    SUBSCRIBE = "aws-marketplace:Subscribe"
    VIEW_SUBSCRIPTIONS = "aws-marketplace:ViewSubscriptions"
    LIST_AGREEMENTS = "aws-marketplace:ListAgreements"
    PUT_PROCUREMENT_CONFIGURATION = "aws-marketplace:PutProcurementSystemConfiguration"
    DESCRIBE_PROCUREMENT_CONFIGURATION = "aws-marketplace:DescribeProcurementSystemConfiguration"
    DESCRIBE_ORGANIZATION = "organizations:DescribeOrganization"
    DESCRIBE_ACCOUNT = "organizations:DescribeAccount"
    LIST_ACCOUNTS = "organizations:ListAccounts"
    CREATE_ACCOUNT = "organizations:CreateAccount"
    CREATE_PORTAL_PREFERENCE = "invoicing:CreateProcurementPortalPreference"
    GET_PORTAL_PREFERENCE = "invoicing:GetProcurementPortalPreference"
    LIST_PORTAL_PREFERENCES = "invoicing:ListProcurementPortalPreferences"
    UPDATE_PORTAL_PREFERENCE = "invoicing:UpdateProcurementPortalPreferenceStatus"
    PUT_PORTAL_PREFERENCE = "invoicing:PutProcurementPortalPreference"
    LOOKUP_AUDIT_EVENTS = "cloudtrail:LookupEvents"
    CREATE_USER = "iam:CreateUser"
    LIST_USERS = "iam:ListUsers"
    CREATE_ACCESS_KEY = "iam:CreateAccessKey"
    DELETE_ACCESS_KEY = "iam:DeleteAccessKey"


MANAGEMENT_ONLY_ACTIONS = frozenset(
    {
        ACTIONS.PUT_PROCUREMENT_CONFIGURATION,
        ACTIONS.DESCRIBE_PROCUREMENT_CONFIGURATION,
        ACTIONS.CREATE_ACCOUNT,
        ACTIONS.LIST_ACCOUNTS,  # as in AWS Organizations: only the management account lists them
        ACTIONS.CREATE_PORTAL_PREFERENCE,
        ACTIONS.GET_PORTAL_PREFERENCE,
        ACTIONS.LIST_PORTAL_PREFERENCES,
        ACTIONS.PUT_PORTAL_PREFERENCE,
        ACTIONS.UPDATE_PORTAL_PREFERENCE,
        ACTIONS.LOOKUP_AUDIT_EVENTS,  # the audit log is the organization's, kept with it
    }
)
_MANAGEMENT_ONLY_LOWER = frozenset(_ascii_lower(action) for action in MANAGEMENT_ONLY_ACTIONS)

# The managed policy of AWS Marketplace's procurement integration, version 2 (its actions as
# published), plus what the organization's first administrator needs to run the marketplace.
PROCUREMENT_ADMIN_POLICY = Policy(
    "AWSMarketplaceProcurementSystemAdminFullAccess",
    (
        Statement(
            Effect.ALLOW,
            (
                "aws-marketplace:PutProcurementSystemConfiguration",
                "aws-marketplace:DescribeProcurementSystemConfiguration",
                "organizations:Describe*",
                "organizations:List*",
                "invoicing:CreateProcurementPortalPreference",
                "invoicing:GetProcurementPortalPreference",
                "invoicing:ListProcurementPortalPreferences",
            ),
        ),
    ),
    "Configure procurement system integration for the organization (management account).",
)

BUYER_POLICY = Policy(
    "MarketplaceBuyerAccess",
    (
        Statement(
            Effect.ALLOW,
            (
                "aws-marketplace:SearchListings",
                "aws-marketplace:DescribeListings",
                "aws-marketplace:Subscribe",
                "aws-marketplace:ViewSubscriptions",
                "aws-marketplace:ListAgreements",
            ),
        ),
    ),
    "Browse the catalog, subscribe or request approval, and see one's own agreements.",
)

READ_ONLY_POLICY = Policy(
    "MarketplaceReadOnlyAccess",
    (
        Statement(
            Effect.ALLOW,
            (
                "aws-marketplace:SearchListings",
                "aws-marketplace:DescribeListings",
                "aws-marketplace:ViewSubscriptions",
                "aws-marketplace:ListAgreements",
                "aws-marketplace:DescribeProcurementSystemConfiguration",
                "organizations:Describe*",
                "organizations:List*",
                "invoicing:Get*",
                "invoicing:List*",
                "cloudtrail:LookupEvents",
            ),
        ),
    ),
    "See everything, change nothing.",
)

ACCOUNT_ADMIN_POLICY = Policy(
    "MarketplaceAccountAdministrator",
    (
        Statement(
            Effect.ALLOW,
            (
                "aws-marketplace:*",
                "organizations:*",
                "iam:*",
                "invoicing:PutProcurementPortalPreference",  # rotates connection secrets
                "cloudtrail:LookupEvents",
            ),
        ),
    ),
    "Administer the account: users, keys, member accounts, connection secrets and the audit "
    "log (the last three from the management account only).",
)

MANAGED_POLICIES: dict[str, Policy] = {
    policy.name: policy
    for policy in (PROCUREMENT_ADMIN_POLICY, BUYER_POLICY, READ_ONLY_POLICY, ACCOUNT_ADMIN_POLICY)
}
