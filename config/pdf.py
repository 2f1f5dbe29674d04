"""Render HTML templates to PDF with WeasyPrint, reading only the project's own static files.

Templates extend ``print/base.html`` (page size, margins, running header and footer). Links to
stylesheets, fonts and images are given as ``{% static %}`` URLs; the fetcher below serves those from
the static files finders and refuses everything else (no network, no arbitrary local files), so a
value typed by a user can never make the server fetch a URL.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

# The base URL given to WeasyPrint: relative and /static/ URLs resolve under it.
BASE_URL = "https://print.invalid/"


class RefusedURL(ValueError):
    """A document asked for something that is not one of the project's static files."""


class StaticOnlyURLFetcher(URLFetcher):
    """Serves ``/static/...`` from the project's static files; refuses every other URL."""

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        path = self.static_path(url)
        if path is None:
            raise RefusedURL(
                f"Refused to fetch {url!r}: only the project's static files are allowed."
            )
        found = finders.find(path)
        if not found:
            raise RefusedURL(f"Static file not found: {path!r}")
        with open(found, "rb") as handle:
            body = handle.read()
        return URLFetcherResponse(url, body=body, headers={"Content-Type": _mime(found)})

    @staticmethod
    def static_path(url: str) -> str | None:
        """The static file a URL names, or None when it names anything else."""
        parts = urlsplit(url)
        base = urlsplit(BASE_URL)
        if (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
            return None
        prefix = settings.STATIC_URL
        path = unquote(parts.path)
        if not path.startswith(prefix):
            return None
        relative = path[len(prefix) :]
        if not relative or ".." in relative.split("/") or relative.startswith("/"):
            return None
        return relative


def _mime(path: str) -> str:
    import mimetypes

    return mimetypes.guess_type(path)[0] or "application/octet-stream"


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    html = render_to_string(template_name, context)
    return HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyURLFetcher()).write_pdf()
