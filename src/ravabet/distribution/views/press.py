"""(being written)"""

from typing import Any

urlpatterns: list[Any] = []
backoffice_urlpatterns: list[Any] = []
public_urlpatterns: list[Any] = []
