"""Text that XML 1.0 can hold, for the files built from what people typed (Word, Excel).

XML 1.0 has no place for control characters other than tab, newline and carriage return, nor for
U+FFFE, U+FFFF and lone surrogates: python-docx and openpyxl refuse them, so one such character in a
case reference or a commentary would make the letter, its issue or an export fail. Forms refuse them
on the way in; every writer of a Word file also passes its text through here, and every spreadsheet
cell goes through ``core.exports.safe_cell``, which does too: rows stored before that rule (or by
other means) still give a file.
"""

from __future__ import annotations

import re

_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot hold (everything else kept as it is)."""
    return _NOT_IN_XML.sub("", text) if text else text
