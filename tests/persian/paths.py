"""Where the shared test data lives: ../shared next to the repository, as in CI."""

from pathlib import Path

SHARED = Path(__file__).resolve().parents[3] / "shared"
SEED = SHARED / "seed" / "000_355124c2ea71b728.txt"
CORPUS = SHARED / "corpus" / "fars-news.jsonl.gz"
