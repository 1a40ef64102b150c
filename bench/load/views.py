"""The ceiling: the least a Django page can do here (one indexed query, 20 rows through a template), served
by the same gunicorn, settings and middleware as the real pages, so each page is measured against it."""

from pathlib import Path

from django.http import HttpRequest, HttpResponse
from django.template import engines

from nominations.models import Nomination

# Compiled once per worker, as the cached template loader does for the product's templates.
TEMPLATE = engines["django"].from_string((Path(__file__).resolve().parent / "templates" / "ceiling.html").read_text())


def ceiling(request: HttpRequest, edition_id: int) -> HttpResponse:
    # The (edition, status) index; 20 rows in primary-key order.
    nominations = (
        Nomination.objects.filter(edition_id=edition_id, status="eligible")
        .only("pk", "startup_name", "city", "sector", "team_size")
        .order_by("pk")[:20]
    )
    return HttpResponse(TEMPLATE.render({"nominations": nominations}, request))
