"""hazm's Normalizer in a process of its own, for bench/normalize.py.

hazm 0.10.0 pins numpy 1.24, which the project's own pins (datasketch, scipy) exclude, so
it lives in a separate virtual environment (`make bench` builds var/hazm-venv) and
bench/normalize.py talks to this script over stdin/stdout, one JSON object a line:

  {"op": "load", "texts": [...]}      → {"ok": true, "version": "0.10.0"}
  {"op": "time"}                       → {"seconds": <one timed pass over the loaded texts>}
  {"op": "normalize", "text": "..."}   → {"text": "..."}

It imports nothing from ravabet, so the hazm environment needs hazm only.
"""

from __future__ import annotations

import json
import sys
import time
from importlib.metadata import version


def main() -> int:
    import hazm

    normalize = hazm.Normalizer().normalize
    texts: list[str] = []
    for line in sys.stdin:
        request = json.loads(line)
        op = request["op"]
        if op == "load":
            texts = request["texts"]
            if texts:
                normalize(texts[0])  # warm-up, as for ravabet
            reply: dict[str, object] = {"ok": True, "version": version("hazm")}
        elif op == "time":
            start = time.perf_counter()
            for text in texts:
                normalize(text)
            reply = {"seconds": time.perf_counter() - start}
        elif op == "normalize":
            reply = {"text": normalize(request["text"])}
        else:
            reply = {"error": f"unknown op {op!r}"}
        sys.stdout.write(json.dumps(reply, ensure_ascii=False) + "\n")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
