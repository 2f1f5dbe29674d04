"""The shared PDF helper reads only the project's own static files."""

from __future__ import annotations

import pytest

from core.pdf import BASE_URL, RefusedURL, StaticOnlyURLFetcher, render_pdf


def test_static_files_are_served_to_weasyprint() -> None:
    response = StaticOnlyURLFetcher().fetch(BASE_URL + "static/css/print.css")
    assert b"@page" in response.read()


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/static/css/print.css",
        "file:///etc/passwd",
        BASE_URL + "media/documents/1/secret.pdf",
        BASE_URL + "static/../../config/settings/base.py",
        "http://127.0.0.1:8000/static/css/print.css",
    ],
)
def test_everything_else_is_refused(url: str) -> None:
    with pytest.raises(RefusedURL):
        StaticOnlyURLFetcher().fetch(url)


def test_render_pdf_uses_the_base_print_template(db) -> None:
    pdf = render_pdf("print/base.html", {})
    assert pdf.startswith(b"%PDF-")
