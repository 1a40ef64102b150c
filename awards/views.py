"""Public pages of an edition: its timeline, texts and rubric, and its deadlines as a calendar."""

import logging
from datetime import UTC
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from .models import Edition
from .selectors import edition_get_public, edition_next_deadline, edition_rubric, edition_timeline

logger = logging.getLogger(__name__)

STOCKHOLM = ZoneInfo("Europe/Stockholm")


# The rubric and ranking rules change only with the edition (awards.services bumps `updated_at` when the
# rubric changes), so they are rendered once per edition, language and change, and kept in the cache.
RUBRIC_CACHE_SECONDS = 24 * 60 * 60


# This process's copy of the rubric sections it has already had, by the same key as the cache: the key names
# the edition, the language and the edition's last change, so a copy is never stale, and reading it saves a
# round trip to the cache on every request of the page. Bounded: cleared when full.
_RUBRIC_HTML: dict[str, str] = {}
_RUBRIC_HTML_MAX = 256


def _edition_rubric_html(edition: Edition) -> str:
    """The "How the ranking is made" and "How the jury scores" sections. Rendered without the request,
    so nothing of one visitor (a CSRF token, the CSP nonce) can be in what is cached; the phase, the
    countdown, the timeline and the result are not in it either, so they are never stale."""
    key = f"awards:edition-rubric:{edition.pk}:{get_language()}:{edition.updated_at.timestamp()}"
    html = _RUBRIC_HTML.get(key)
    if html is None:
        html = _RUBRIC_HTML[key] = _edition_rubric_html_from_cache(edition, key)
        if len(_RUBRIC_HTML) > _RUBRIC_HTML_MAX:
            _RUBRIC_HTML.clear()
    # Our own template's output, autoescaped when it was rendered; only the caches stood in between.
    return mark_safe(html)  # noqa: S308  # nosec B308 B703


def _edition_rubric_html_from_cache(edition: Edition, key: str) -> str:
    try:
        html = cache.get(key)
    except Exception:  # the cache is an optimisation: without it, the page is rendered in full
        logger.warning("cache unavailable: the rubric of edition %s is rendered", edition.pk, exc_info=True)
        html, key = None, None
    if html is None:
        html = render_to_string(
            "awards/_edition_rubric.html", {"edition": edition, "criteria": edition_rubric(edition=edition)}
        )
        if key is not None:
            try:
                cache.set(key, html, RUBRIC_CACHE_SECONDS)
            except Exception:
                logger.warning("cache unavailable: the rubric of edition %s is not kept", edition.pk, exc_info=True)
    return html


def edition_detail(request: HttpRequest, year: int) -> HttpResponse:
    edition = edition_get_public(year=year)
    now = timezone.now()
    context = {
        "edition": edition,
        "phase": edition.phase_at(now),
        "timeline": edition_timeline(edition=edition, now=now),
        "next_deadline": edition_next_deadline(edition=edition, now=now),
        "rubric": _edition_rubric_html(edition),
    }
    return render(request, "awards/edition_detail.html", context)


def edition_calendar(request: HttpRequest, year: int) -> HttpResponse:
    edition = edition_get_public(year=year)
    page_url = request.build_absolute_uri(reverse("awards:edition_detail", args=[edition.year]))
    uid_domain = urlparse(settings.SITE_URL).hostname or "flemingsbergscience.se"
    stamp = timezone.now().astimezone(UTC)

    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Flemingsberg Science//Award platform//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"{edition.award.name} {edition.year}")
    calendar.add("x-wr-timezone", "Europe/Stockholm")
    for step in edition_timeline(edition=edition):
        event = icalendar.Event()
        # Stable UIDs, so a re-imported calendar updates its events instead of duplicating them.
        event.add("uid", f"edition-{edition.pk}-{step.key}@{uid_domain}")
        event.add("dtstamp", stamp)
        event.add("dtstart", step.at.astimezone(STOCKHOLM))
        event.add("summary", f"{edition.award.name} {edition.year}: {step.label}")
        event.add("url", page_url)
        event.add("description", page_url)
        calendar.add_component(event)
    calendar.add_missing_timezones()

    filename = f"{edition.award.slug}-{edition.year}.ics"
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
