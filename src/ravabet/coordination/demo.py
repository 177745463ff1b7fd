"""(being written)"""


def load() -> None:
    return None
