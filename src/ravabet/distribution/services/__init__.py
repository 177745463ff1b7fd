"""Every write of distribution: channels.py (channels, deliveries), press.py (journalists,
mailings, preview links). Another capability imports only this module."""

from ravabet.distribution.services.channels import *  # noqa: F403
from ravabet.distribution.services.press import *  # noqa: F403
