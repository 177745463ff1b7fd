"""Every read of investment that is more than a .get(), one module a part: catalogue.py (the
public catalogue: filters, sort, the map's counts, an opportunity, programmes), backoffice.py
(what a person may see and edit), pipeline.py (inquiries per opportunity, response times and
outcomes for the directorate). Another capability imports only this module."""

from ravabet.investment.selectors.backoffice import *  # noqa: F403
from ravabet.investment.selectors.catalogue import *  # noqa: F403
from ravabet.investment.selectors.pipeline import *  # noqa: F403
