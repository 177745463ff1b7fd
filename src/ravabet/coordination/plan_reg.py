"""(being written)"""


def register() -> None:
    return None
