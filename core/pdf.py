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
from django.contrib.staticfiles.storage import staticfiles_storage
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

# The base URL given to WeasyPrint: relative and /static/ URLs resolve under it.
BASE_URL = "https://print.invalid/"


class RefusedURL(ValueError):
    """A document asked for something that is not one of the project's static files."""


class StaticOnlyURLFetcher(URLFetcher):
    """Serves ``/static/...`` from the project's static files; refuses every other URL.

    ``extra`` adds named resources the caller has already read (an organisation's uploaded logo,
    say), each under its own ``https://print.invalid/...`` URL; nothing else is ever fetched.
    """

    def __init__(
        self, *args: Any, extra: dict[str, tuple[bytes, str]] | None = None, **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        self.extra = extra or {}

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        if url in self.extra:
            body, mime = self.extra[url]
            return URLFetcherResponse(url, body=body, headers={"Content-Type": mime})
        path = self.static_path(url)
        if path is None:
            raise RefusedURL(
                f"Refused to fetch {url!r}: only the project's static files are allowed."
            )
        found = finders.find(path)
        if found:
            with open(found, "rb") as handle:
                body = handle.read()
            return URLFetcherResponse(url, body=body, headers={"Content-Type": _mime(found)})
        # After collectstatic with a manifest storage, {% static %} names the hashed copy.
        if staticfiles_storage.exists(path):
            with staticfiles_storage.open(path) as handle:
                body = handle.read()
            return URLFetcherResponse(url, body=body, headers={"Content-Type": _mime(path)})
        raise RefusedURL(f"Static file not found: {path!r}")

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


def render_pdf(
    template_name: str,
    context: dict[str, Any],
    *,
    extra: dict[str, tuple[bytes, str]] | None = None,
    tagged: bool = True,
) -> bytes:
    """Every printed document is a tagged PDF (structure tree, language, title) unless asked not."""
    html = render_to_string(template_name, context)
    return html_to_pdf(html, extra=extra, tagged=tagged)


def html_to_pdf(
    html: str, *, extra: dict[str, tuple[bytes, str]] | None = None, tagged: bool = False
) -> bytes:
    """``tagged``: a tagged PDF (PDF/UA-1: structure tree, language, title shown) for screen readers."""
    options: dict[str, Any] = {"pdf_variant": "pdf/ua-1"} if tagged else {}
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyURLFetcher(extra=extra))
    pdf = document.write_pdf(**options)
    if tagged:  # page furniture as artifacts, table header cells with their scope
        from core.pdf_tags import finish_tagged_pdf

        pdf = finish_tagged_pdf(pdf)
    return pdf
