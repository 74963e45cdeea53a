"""The programme's models, one module per topic (departments live in ``registry``: a
membership points at them)."""

from programme.models.ccer import *  # noqa: F401,F403
from programme.models.finance import *  # noqa: F401,F403
from programme.models.targets import *  # noqa: F401,F403
from programme.models.tasks import *  # noqa: F401,F403
from programme.models.training import *  # noqa: F401,F403
