"""A nomination's status badge and its edition's deadline, written in Python: the nomination pages show them
on every request (the organisers' list once a row). templates/nominations/_status_badge.html and
_deadline.html stay as the references tests/nominations compare them with, character for character."""

from django import template
from django.utils.safestring import mark_safe
from django.utils.timesince import timeuntil
from django.utils.translation import gettext as _

from core.html import date_text, escape_text
from nominations.models import Nomination

register = template.Library()

_BADGE_CLASSES = {
    Nomination.Status.DRAFT: "text-bg-secondary",
    Nomination.Status.INELIGIBLE: "text-bg-dark",
    Nomination.Status.WITHDRAWN: "text-bg-dark",
    Nomination.Status.WINNER: "text-bg-success",
    Nomination.Status.FINALIST: "text-bg-success",
}


@register.simple_tag
def status_badge(nomination) -> str:
    css = _BADGE_CLASSES.get(nomination.status, "text-bg-primary")
    html = f'<span class="badge {css}">{escape_text(nomination.get_status_display())}</span>\n'
    return mark_safe(html)  # noqa: S308  # nosec B308 B703 - the one value is escaped


@register.simple_tag
def nominations_deadline(edition) -> str:
    close = edition.nominations_close_at
    sentence = _(
        'Nominations close on <time datetime="%(iso)s" data-countdown>%(when)s</time> (Stockholm time), in %(left)s.'
    ) % {
        "iso": date_text(close, "c"),
        "when": date_text(close, "DATETIME_FORMAT"),
        "left": escape_text(timeuntil(close)),
    }
    return mark_safe(f'<p class="mb-0">{sentence}</p>\n')  # noqa: S308  # nosec B308 B703 - the values are escaped
