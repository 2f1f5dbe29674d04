"""The one way the service starts a Word document: A4, British English, the house font, black headings.

python-docx starts from a template made in the United States: US Letter pages, every run marked
en-US (so Word's spelling checker marks "organisation" and "programme" wrong), and headings in Word's
default blue in another font (the theme's Calibri/Cambria) than the text. ``new_document`` fixes
all of that in the styles, so every paragraph, heading and table cell inherits it:

- each section A4 (portrait, or landscape for a wide table), with the given margins;
- the run language en-GB in the document defaults (``w:lang`` in ``w:rPrDefault``) and the theme's
  language, and in the document's properties;
- the text font (Arial by default) everywhere, and the title, subtitle and headings in that font and
  in black, with no theme colour or theme font left to override them.

Used by the action plan (``improvement.exports``); the letter can use it too.
"""

from __future__ import annotations

from typing import Any

from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

LANGUAGE = "en-GB"
FONT = "Arial"
BLACK = RGBColor(0x00, 0x00, 0x00)
A4_SHORT, A4_LONG = Cm(21.0), Cm(29.7)
_HEADINGS = ("Title", "Subtitle", *(f"Heading {n}" for n in range(1, 10)))
_THEME_FONTS = ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme")
_THEME_COLOUR = ("w:themeColor", "w:themeShade", "w:themeTint")


def new_document(
    *,
    title: str = "",
    author: str = "",
    font: str = FONT,
    size: float = 11,
    landscape: bool = False,
    margin_cm: float = 2.0,
) -> Any:
    """A blank Word document in the house style (see the module's docstring). ``title`` and
    ``author`` go in its properties; pass text already made safe for XML (``core.xmltext``)."""
    from docx import Document

    document = Document()
    properties = document.core_properties
    properties.title = title
    properties.author = author
    properties.language = LANGUAGE
    for section in document.sections:
        a4(section, landscape=landscape)
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Cm(margin_cm))
    set_language(document)
    house_styles(document, font=font, size=size)
    return document


def a4(section: Any, *, landscape: bool = False) -> None:
    """Make one section A4, portrait or landscape."""
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = A4_LONG, A4_SHORT
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = A4_SHORT, A4_LONG


def set_language(document: Any, language: str = LANGUAGE) -> None:
    """Mark every run ``language`` through the document defaults and the theme's language."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        document.styles.element.insert(0, defaults)
    r_pr = _r_pr_default(defaults)
    lang = r_pr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        r_pr.append(lang)
    lang.set(qn("w:val"), language)
    if lang.get(qn("w:eastAsia")) == "en-US":
        lang.set(qn("w:eastAsia"), language)
    for style in document.styles.element.iterfind(qn("w:style")):  # none in the template: in case
        for own in style.iterfind(f"{qn('w:rPr')}/{qn('w:lang')}"):
            own.set(qn("w:val"), language)
    settings = document.settings.element
    theme_lang = settings.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:val"), language)
    # Word 2010 reads a second copy of the styles; it must not say en-US either.
    for part in document.part.package.iter_parts():
        if str(part.partname).endswith("/stylesWithEffects.xml") and hasattr(part, "_blob"):
            for attribute in (b"w:val", b"w:eastAsia"):
                part._blob = part._blob.replace(
                    attribute + b'="en-US"', attribute + b'="' + language.encode() + b'"'
                )


def house_styles(document: Any, *, font: str = FONT, size: float = 11) -> None:
    """The text in ``font`` at ``size`` points; the title, subtitle and headings in ``font`` and in
    black (Word's defaults: the theme's heading font in blue)."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        _set_font(_r_pr_default(defaults), font)
    normal = document.styles["Normal"]
    normal.font.name = font
    normal.font.size = Pt(size)
    _set_font(normal.element.get_or_add_rPr(), font)
    for name in _HEADINGS:
        try:
            style = document.styles[name]
        except KeyError:
            continue
        _black_in(style, font)
        linked = style.element.find(qn("w:link"))
        if linked is not None:  # the "Heading 1 Char" style Word applies to runs
            for other in document.styles:
                if other.style_id == linked.get(qn("w:val")):
                    _black_in(other, font)
        border = style.element.find(f"{qn('w:pPr')}/{qn('w:pBdr')}")
        if border is not None:  # the title's rule below it, in the theme's blue
            for edge in border:
                edge.set(qn("w:color"), str(BLACK))
                for attribute in _THEME_COLOUR:
                    edge.attrib.pop(qn(attribute), None)


def _black_in(style: Any, font: str) -> None:
    style.font.color.rgb = BLACK  # replaces the colour element: no theme colour left
    style.font.name = font
    _set_font(style.element.get_or_add_rPr(), font)


def _set_font(r_pr: Any, font: str) -> None:
    """``font`` for Latin and complex-script text, the theme's fonts removed (they would win)."""
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, fonts)
    for attribute in _THEME_FONTS:
        fonts.attrib.pop(qn(attribute), None)
    for attribute in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attribute), font)


def _r_pr_default(defaults: Any) -> Any:
    r_pr_default = defaults.find(qn("w:rPrDefault"))
    if r_pr_default is None:
        r_pr_default = OxmlElement("w:rPrDefault")
        defaults.insert(0, r_pr_default)
    r_pr = r_pr_default.find(qn("w:rPr"))
    if r_pr is None:
        r_pr = OxmlElement("w:rPr")
        r_pr_default.append(r_pr)
    return r_pr
