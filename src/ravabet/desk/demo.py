"""Demo data of the desk (being written)."""


def load() -> int:
    return 0
