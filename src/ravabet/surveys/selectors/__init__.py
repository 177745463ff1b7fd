"""Every read of the surveys that is more than a .get(), one module a part: backoffice.py
(the back office's list, counted), public.py (what a
visitor or a staff member may answer), results.py (counts, charts' figures, cross-tabs, word
frequency, suppression), needs.py is the needs report's own (surveys/needs.py). Another
capability imports only this module."""

from ravabet.surveys.selectors.backoffice import *  # noqa: F403
from ravabet.surveys.selectors.public import *  # noqa: F403
from ravabet.surveys.selectors.results import *  # noqa: F403
