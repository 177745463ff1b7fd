"""Every read of distribution: channels.py, press.py. Another capability imports only this
module."""

from ravabet.distribution.selectors.channels import *  # noqa: F403
from ravabet.distribution.selectors.press import *  # noqa: F403
