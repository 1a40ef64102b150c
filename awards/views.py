"""Public pages of an edition: its timeline, texts and rubric, and its deadlines as a calendar."""

from datetime import UTC
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from .selectors import edition_get_public, edition_next_deadline, edition_timeline

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def edition_detail(request: HttpRequest, year: int) -> HttpResponse:
    edition = edition_get_public(year=year)
    now = timezone.now()
    context = {
        "edition": edition,
        "phase": edition.phase_at(now),
        "timeline": edition_timeline(edition=edition, now=now),
        "next_deadline": edition_next_deadline(edition=edition, now=now),
        "criteria": edition.criteria.all(),
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
