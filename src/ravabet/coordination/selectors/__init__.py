"""Every read of coordination, one module a part: directives.py, plan.py, scores.py
(scorecards, ranking, the indicators' trends), dashboard.py (the homes' cards)."""

from ravabet.coordination.selectors.dashboard import *  # noqa: F403
from ravabet.coordination.selectors.directives import *  # noqa: F403
from ravabet.coordination.selectors.plan import *  # noqa: F403
from ravabet.coordination.selectors.scores import *  # noqa: F403
