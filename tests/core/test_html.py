"""core.html.escape_text is django.utils.html.escape for anything but a lazy string."""

import pytest
from django.utils.html import escape
from django.utils.safestring import mark_safe

from core.html import escape_text


class Named:
    def __str__(self):
        return 'Åsa & "Bo" <b>'


@pytest.mark.parametrize(
    "value",
    [
        "",
        "plain",
        "<script>alert('x')</script>",
        "a & b \"c\" 'd'",
        "&amp; already",
        mark_safe("<b>safe</b>"),
        42,
        3.5,
        None,
        Named(),
        "å ä ö — …",
    ],
)
def test_it_escapes_as_django_does(value):
    assert escape_text(value) == str(escape(value))
