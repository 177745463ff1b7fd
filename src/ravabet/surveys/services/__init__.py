"""Every write of the surveys, one module a part (each function permission-checked, audited,
atomic and short, as docs/capability.md says): builder.py (surveys, sections, questions,
options, branching, the workflow draft → open → closed, archiving), answers.py (answering:
drafts, resuming, submitting, one response a person, mobile codes), results.py (themes,
tagging free-text answers, publishing results). Another capability imports only this module."""

from ravabet.surveys.services.answers import *  # noqa: F403
from ravabet.surveys.services.builder import *  # noqa: F403
from ravabet.surveys.services.results import *  # noqa: F403
