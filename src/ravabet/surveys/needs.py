"""(being written)"""

from typing import Any


def survey_evidence(user: Any, agency: Any, start: Any, end: Any) -> list[Any]:
    return []
