from django import template
from django.utils.safestring import SafeString, mark_safe

from reports import blocks

register = template.Library()


@register.filter
def letter_inline(text: str) -> SafeString:
    """One line of the letter's markup as HTML: escaped, with **bold** kept."""
    return mark_safe(blocks.inline_html(str(text)))  # noqa: S308 - inline_html escapes first
