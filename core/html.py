"""Escaping for the markup hot pages write in Python."""

from html import escape as _html_escape


def escape_text(value) -> str:
    """What django.utils.html.escape() gives for a value that is not a lazy string (the text of str(value) with
    & < > " ' escaped), without the lazy-string check wrapped around it, which cost more than the escaping on
    a page of 25 rows. Not marked safe: the caller marks the markup it is part of."""
    return _html_escape(str(value))
