"""A JSON object as zlib-compressed bytes (no Django: prepared in the import's workers).
`Article.original`, the text as received, is kept so (models.PackedJSONField)."""

from __future__ import annotations

import json
import zlib
from typing import Any


def pack_json(value: Any) -> bytes:
    return zlib.compress(json.dumps(value, ensure_ascii=False).encode(), 6)


def unpack_json(value: bytes | memoryview) -> Any:
    return json.loads(zlib.decompress(bytes(value)))
