"""The answers the API gives around every view, written into the OpenAPI document once.

Each view documents what it decides itself (its 200/201, a 404 for a record not found, a 409 a
state refuses, a 400 for a filter it does not know). What the API object answers before or
around the view is the same for every operation and is added here, from the document itself:

- 401 where the operation reads a token (TokenAuth): none, unknown, revoked or expired;
- 403 where it reads a token and writes: a read-only token (and any refusal of permission);
- 422 where it takes parameters or a body: ninja's validation, messages in Persian
  (ValidationErrorOut); a view that answers 422 itself keeps its schema beside this one;
- 400 and 413 where it takes a body: not JSON, a lone surrogate, too big (parsing.py).

Every error is JSON with a Persian `detail` (ErrorOut, the kernel's shared error schema).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from ravabet.core.schemas import ErrorOut, ValidationErrorOut

REF = "#/components/schemas/{model}"
JSON = "application/json"
SAFE_METHODS = frozenset({"get", "head", "options"})

UNAUTHENTICATED = (
    "کلید API نیامده یا درست نیست (شاید باطل شده یا گذشته باشد)؛"
    " آن را در سرایند Authorization: Bearer … بفرستید."
)

DESCRIPTIONS = {
    400: "درخواست نادرست",
    401: "کلید API نیامده یا درست نیست",
    403: "اجازهٔ این کار را ندارید (یا کلید فقط برای خواندن است)",
    404: "پیدا نشد",
    409: "وضعیت کنونی این کار را نمی‌پذیرد",
    413: "درخواست بزرگ‌تر از حد مجاز است",
    422: "مقدارها درست نیستند",
}


def _component(components: dict[str, Any], model: type[BaseModel]) -> dict[str, str]:
    """Add a model (and the models it uses) to the document's schemas; return its $ref."""
    schema = model.model_json_schema(ref_template=REF)
    for name, definition in schema.pop("$defs", {}).items():
        components.setdefault(name, definition)
    components.setdefault(model.__name__, schema)
    return {"$ref": REF.format(model=model.__name__)}


def _answer(ref: dict[str, Any], status: int) -> dict[str, Any]:
    return {"description": DESCRIPTIONS[status], "content": {JSON: {"schema": ref}}}


def _add(responses: dict[Any, Any], status: int, ref: dict[str, Any]) -> None:
    """Document `status` with `ref`; beside the view's own schema if it documents it too."""
    # ninja keys the responses by number; a document read back from JSON, by text.
    given = responses.get(status, responses.get(str(status)))
    if given is None:
        responses[status] = _answer(ref, status)
        return
    media = given.setdefault("content", {}).setdefault(JSON, {})
    schema = media.get("schema")
    if schema is None:
        media["schema"] = ref
    elif schema != ref and ref not in schema.get("anyOf", ()):
        media["schema"] = {"anyOf": [*schema.get("anyOf", [schema]), ref]}


def document(openapi: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI document with the API object's own answers added to every operation."""
    components = openapi.setdefault("components", {}).setdefault("schemas", {})
    error = _component(components, ErrorOut)
    invalid = _component(components, ValidationErrorOut)
    for item in openapi.get("paths", {}).values():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            if operation.get("security"):
                _add(responses, 401, error)
                if method not in SAFE_METHODS:
                    _add(responses, 403, error)
            if operation.get("parameters") or operation.get("requestBody"):
                _add(responses, 422, invalid)
            if operation.get("requestBody"):
                _add(responses, 400, error)
                _add(responses, 413, error)
            for status, answer in responses.items():
                if str(status).isdigit() and int(status) in DESCRIPTIONS:
                    answer["description"] = DESCRIPTIONS[int(status)]
    return openapi
