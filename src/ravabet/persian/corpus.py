"""Reads the Fars news corpus and splits it into a tuning part and a held-out part."""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# One document in five is held out: never read while building the word lists, only
# scored. The split hashes the article link, so it is stable across runs and machines.
HELDOUT_MODULUS = 5


@dataclass(frozen=True, slots=True)
class Article:
    link: str
    title: str
    abstract: str
    paragraphs: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join((self.title, self.abstract, *self.paragraphs))

    @property
    def heldout(self) -> bool:
        return is_heldout(self.link)


def is_heldout(link: str) -> bool:
    digest = hashlib.sha256(link.encode("utf-8")).digest()
    return digest[0] % HELDOUT_MODULUS == 0


def read_corpus(path: Path) -> Iterator[Article]:
    """Articles of a JSON-lines (optionally gzipped) file in the Fars corpus format."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            if not line.strip():
                continue
            row = json.loads(line)
            yield Article(
                link=str(row.get("link", "")),
                title=str(row.get("title", "")),
                abstract=str(row.get("abstract", "")),
                paragraphs=tuple(str(p) for p in row.get("paragraphs", [])),
            )
