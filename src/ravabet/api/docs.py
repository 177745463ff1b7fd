"""The API's human docs: ninja's Swagger UI in a Persian page (lang="fa", right to left) whose
code, paths and examples stay left to right; its stylesheet and a small script (names for Swagger's
icon buttons) are served beside it: the CSP keeps inline styles and scripts out of our pages.

ravabet.api is not an installed app, so the template is read from this package, not through
the template loaders.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.template.backends.django import Template
from ninja.openapi.docs import Swagger, _csrf_needed

if TYPE_CHECKING:
    from ninja import NinjaAPI

HERE = Path(__file__).parent
TEMPLATE = HERE / "templates" / "api" / "docs.html"
STYLESHEET = HERE / "templates" / "api" / "docs.css"
SCRIPT = HERE / "templates" / "api" / "docs.js"


@cache
def _template() -> Template:
    return engines["django"].from_string(TEMPLATE.read_text(encoding="utf-8"))  # type: ignore[return-value]


@cache
def stylesheet() -> str:
    return STYLESHEET.read_text(encoding="utf-8")


@cache
def script() -> str:
    return SCRIPT.read_text(encoding="utf-8")


class PersianSwagger(Swagger):
    # Without deep links: Swagger puts each operation's link inside its summary button (axe's
    # nested-interactive), which keyboard and screen-reader users cannot reach.
    default_settings = {**Swagger.default_settings, "deepLinking": False}

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        context = {
            "swagger_settings": json.dumps(self.settings, indent=1),
            "api": api,
            "add_csrf": _csrf_needed(api),
        }
        return HttpResponse(_template().render(context, request))
