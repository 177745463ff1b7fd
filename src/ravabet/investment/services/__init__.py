"""Every write of investment, one module a part (each permission-checked, audited, atomic and
short, as docs/capability.md says): opportunities.py (create, edit, completeness, documents and
images, the workflow draft → submitted → approved → published → archived on the kernel's
`core.workflow`), programmes.py (support programmes, same workflow), inquiries.py (an
investor's inquiry, filed as a citizen-desk message; the pipeline's outcome). Another
capability imports only this module."""

from ravabet.investment.services.inquiries import *  # noqa: F403
from ravabet.investment.services.opportunities import *  # noqa: F403
from ravabet.investment.services.programmes import *  # noqa: F403
