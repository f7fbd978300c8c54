"""Whether a principal may perform an action: their managed policies, evaluated.

The policies named on the user are looked up in ``MANAGED_POLICIES`` (an unknown name grants
nothing) and evaluated for the principal's account: actions kept for the management account
are denied to member accounts whatever the policies say.
"""

from __future__ import annotations

from marketplace.domain.accounts import Principal
from marketplace.domain.errors import AccessDeniedError
from marketplace.domain.policies import (
    MANAGED_POLICIES,
    MANAGEMENT_ONLY_ACTIONS,
    Decision,
    evaluate,
)

__all__ = ["authorize", "decide", "is_allowed"]


def decide(principal: Principal, action: str, resource: str = "*") -> Decision:
    """The decision of the principal's policies on ``action``."""
    policies = [MANAGED_POLICIES[n] for n in principal.user.policies if n in MANAGED_POLICIES]
    return evaluate(policies, action, resource, management_account=principal.account.is_management)


def is_allowed(principal: Principal, action: str, resource: str = "*") -> bool:
    """True when the principal's policies allow ``action`` on ``resource``."""
    return decide(principal, action, resource).allowed


def authorize(principal: Principal, action: str, resource: str = "*") -> None:
    """Raise AccessDeniedError (naming the action) unless the policies allow ``action``."""
    if decide(principal, action, resource).allowed:
        return
    if action in MANAGEMENT_ONLY_ACTIONS and not principal.account.is_management:
        message = f"Only the organization's management account can perform {action}."
    else:
        message = f"Your permissions do not allow {action}."
    raise AccessDeniedError(message, action)
