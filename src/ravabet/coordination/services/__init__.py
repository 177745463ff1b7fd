"""Every write of coordination, one module a part: directives.py (draft, issue, revoke;
open, acknowledge, report; reminders), plan.py (plans, goals, items, agencies' own plans,
quarterly progress), scores.py (weights, computing and releasing a ranking)."""

from ravabet.coordination.services.directives import *  # noqa: F403
from ravabet.coordination.services.plan import *  # noqa: F403
from ravabet.coordination.services.scores import *  # noqa: F403
