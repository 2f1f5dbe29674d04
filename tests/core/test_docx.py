"""The one way the service starts a Word document (``core.docx``): A4, en-GB, black headings in
the text's font. Read back with python-docx and from the saved file's XML."""

from __future__ import annotations

import io
import re
import zipfile

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.shared import RGBColor

from core.docx import new_document


def _saved(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_a_new_document_is_a4_portrait_in_british_english() -> None:
    content = _saved(new_document(title="Feedback", author="Eastvale"))
    document = Document(io.BytesIO(content))
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert section.orientation == WD_ORIENT.PORTRAIT
    assert round(section.left_margin.cm, 1) == 2.0
    assert document.core_properties.language == "en-GB"
    assert document.core_properties.title == "Feedback"
    styles = zipfile.ZipFile(io.BytesIO(content)).read("word/styles.xml").decode()
    defaults = re.search(r"<w:rPrDefault>.*?</w:rPrDefault>", styles, re.S).group(0)
    assert re.search(r'<w:lang w:val="en-GB"', defaults)
    assert "asciiTheme" not in defaults  # the text font is the house font, not the theme's
    settings = zipfile.ZipFile(io.BytesIO(content)).read("word/settings.xml").decode()
    assert 'w:themeFontLang w:val="en-GB"' in settings


def test_headings_are_black_in_the_documents_font() -> None:
    document = new_document(font="Arial", size=12)
    document.add_heading("Title", level=0)
    document.add_heading("Section", level=1)
    document = Document(io.BytesIO(_saved(document)))
    assert document.styles["Normal"].font.name == "Arial"
    assert document.styles["Normal"].font.size.pt == 12
    for name in ("Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3", "Heading 1 Char"):
        font = document.styles[name].font
        assert font.color.rgb == RGBColor(0, 0, 0), name
        assert font.color.theme_color is None, name
        assert font.name == "Arial", name


def test_a_landscape_document_is_a4_on_its_side() -> None:
    section = new_document(landscape=True, margin_cm=1.5).sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (29.7, 21.0)
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert round(section.top_margin.cm, 1) == 1.5
