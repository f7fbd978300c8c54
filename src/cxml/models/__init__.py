"""Typed, immutable models of the cXML documents this library reads and writes."""

from cxml.models import common, envelope, fulfill, invoice, order, profile, punchout, status_update
from cxml.models.common import *  # noqa: F403
from cxml.models.envelope import *  # noqa: F403
from cxml.models.fulfill import *  # noqa: F403
from cxml.models.invoice import *  # noqa: F403
from cxml.models.order import *  # noqa: F403
from cxml.models.profile import *  # noqa: F403
from cxml.models.punchout import *  # noqa: F403
from cxml.models.status_update import *  # noqa: F403

__all__: list[str] = []
__all__ += common.__all__
__all__ += envelope.__all__
__all__ += fulfill.__all__
__all__ += invoice.__all__
__all__ += order.__all__
__all__ += profile.__all__
__all__ += punchout.__all__
__all__ += status_update.__all__
