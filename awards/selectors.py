"""Reads of the awards app."""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db.models import Case, Count, QuerySet, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from core.db import model_columns, models_from_row, prepared_read

from .models import Award, Criterion, Edition

AWARD_SLUG = "startup"


def award_get_main() -> Award | None:
    return Award.objects.filter(slug=AWARD_SLUG).first()


def edition_current(*, award: Award) -> Edition | None:
    """The edition the public should see now: of those whose winner is not yet announced, the one open
    for nominations (when a jury is still scoring last year's), else the earliest; or else the newest."""
    now = timezone.now()
    editions = Edition.objects.filter(award=award).select_related("award")
    open_first = Case(When(nominations_open_at__lte=now, nominations_close_at__gt=now, then=Value(0)), default=Value(1))
    return editions.filter(announce_at__gt=now).order_by(open_first, "year").first() or editions.first()


STOCKHOLM = ZoneInfo("Europe/Stockholm")


@dataclass(frozen=True)
class TimelineStep:
    key: str
    label: str
    at: datetime
    is_past: bool

    @property
    def iso(self) -> str:
        """For <time datetime>: Stockholm local time with its offset, to the second."""
        return self.at.astimezone(STOCKHOLM).replace(microsecond=0).isoformat()


def edition_timeline(*, edition: Edition, now: datetime | None = None) -> list[TimelineStep]:
    """The dated steps of an edition, in order, each marked as passed or not."""
    now = now or timezone.now()
    steps = [
        ("nominations_open", _("Nominations open"), edition.nominations_open_at),
        ("nominations_close", _("Nominations close"), edition.nominations_close_at),
        ("scoring_open", _("Jury scoring opens"), edition.scoring_open_at),
        ("scoring_close", _("Jury scoring closes"), edition.scoring_close_at),
        ("announce", _("Winner announced"), edition.announce_at),
    ]
    return [TimelineStep(key, label, at, at <= now) for key, label, at in steps]


def edition_next_deadline(*, edition: Edition, now: datetime | None = None) -> TimelineStep | None:
    return next((step for step in edition_timeline(edition=edition, now=now) if not step.is_past), None)


def _public_edition_sql(connection) -> str:
    quote = connection.ops.quote_name
    return (
        f"SELECT {model_columns(Edition, 'e', connection)}, {model_columns(Award, 'a', connection)} "  # noqa: S608  # nosec B608 - our tables and columns; values as %s
        f"FROM {quote(Edition._meta.db_table)} e INNER JOIN {quote(Award._meta.db_table)} a ON a.id = e.award_id "
        "WHERE a.slug = %s AND e.year = %s"
    )


def edition_get_public(*, year: int) -> Edition:
    """The main award's edition of a year with its award, or 404. In one plain SQL statement: the public
    pages ask on every request, and the ORM took longer to build the query than the database to answer."""
    connection, row = prepared_read(Edition, _public_edition_sql, [AWARD_SLUG, int(year)])
    if row is None:
        raise Http404
    edition, award = models_from_row(row, [Edition, Award], connection)
    edition.award = award
    return edition


def edition_rubric(*, edition: Edition) -> QuerySet[Criterion]:
    """The edition's criteria in order with their levels: lazy, so a cached rubric costs no query."""
    return Criterion.objects.filter(edition=edition).prefetch_related("levels")


def editions_for_organiser(*, user) -> QuerySet[Edition]:
    if not user.has_perm("awards.manage_edition"):
        raise Http404
    return Edition.objects.select_related("award").annotate(criteria_count=Count("criteria")).order_by("-year", "award")


def edition_get_for_organiser_or_404(*, user, pk: int) -> Edition:
    """An edition for an organiser; anybody else learns nothing, not even that it exists."""
    if not user.has_perm("awards.manage_edition"):
        raise Http404
    return get_object_or_404(Edition.objects.select_related("award"), pk=pk)


def criterion_get_for_organiser_or_404(*, user, edition: Edition, pk: int) -> Criterion:
    if not user.has_perm("awards.manage_edition", edition):
        raise Http404
    return get_object_or_404(Criterion.objects.select_related("edition__award"), edition=edition, pk=pk)


def criteria_for_rubric_editor(*, edition: Edition) -> QuerySet[Criterion]:
    return Criterion.objects.filter(edition=edition).annotate(levels_count=Count("levels")).order_by("position", "id")
