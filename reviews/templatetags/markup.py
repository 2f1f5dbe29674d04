from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from core import markup as _markup

register = template.Library()


@register.filter
def simple_markup(text: str) -> SafeString:
    """Finding text with **bold** and "- " bullets; everything the person typed is escaped first."""
    return _markup.render(text)
