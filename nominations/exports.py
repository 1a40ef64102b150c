"""The organiser's spreadsheet of an edition's nominations, as CSV (streamed) or XLSX.

Columns are built once per export, in the request's language: the rows may be produced after the
view has returned (streaming), when the language of the request is no longer guaranteed."""

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from .models import Nomination, Sector, Stage

STOCKHOLM = ZoneInfo("Europe/Stockholm")
ITERATOR_CHUNK = 500
# A spreadsheet runs a cell that starts with one of these as a formula (or, for tab and carriage
# return, shifts it into one): such text gets a leading apostrophe, shown as text.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

TEXT_FIELDS = (
    "startup_name", "org_number", "website", "founded_year", "sector", "stage", "team_size", "city",
    "flemingsberg_tie", "contact_name", "contact_phone",
)  # fmt: skip
PITCH_FIELDS = ("pitch", "problem", "solution", "innovation", "market", "team", "impact")
TIME_FIELDS = ("consent_at", "created_at", "updated_at", "submitted_at", "screened_at")

Column = tuple[str, Callable[[Nomination], Any]]


def neutralise_formula(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def stockholm_time(moment: datetime | None) -> datetime | None:
    """Wall-clock time in Stockholm, without zone (spreadsheets have none), to the second."""
    if moment is None:
        return None
    return moment.astimezone(STOCKHOLM).replace(tzinfo=None, microsecond=0)


def _label(name: str) -> str:
    return str(capfirst(Nomination._meta.get_field(name).verbose_name))


def export_columns() -> list[Column]:
    statuses = {value: str(label) for value, label in Nomination.Status.choices}
    sectors = {value: str(label) for value, label in Sector.choices}
    stages = {value: str(label) for value, label in Stage.choices}
    languages = {code: str(name) for code, name in settings.LANGUAGES}
    displayed = {"sector": sectors, "stage": stages}

    def field(name: str) -> Column:
        if name in displayed:
            choices = displayed[name]
            return _label(name), lambda n: choices.get(getattr(n, name), getattr(n, name))
        return _label(name), lambda n: getattr(n, name)

    def moment(name: str) -> Column:
        label = _("%(field)s (Stockholm time)") % {"field": _label(name)}
        return label, lambda n: stockholm_time(getattr(n, name))

    def deck_link(nomination: Nomination) -> str:
        if not nomination.pitch_deck:
            return ""
        return settings.SITE_URL + reverse("nominations:pitch_deck", args=[nomination.pk])

    return [
        (_("ID"), lambda n: n.pk),
        (_label("edition"), lambda n: n.edition.year),
        (_label("status"), lambda n: statuses.get(n.status, n.status)),
        *(field(name) for name in TEXT_FIELDS),
        (_("Contact e-mail"), lambda n: n.submitted_by.email if n.submitted_by else ""),
        *(field(name) for name in PITCH_FIELDS),
        (_label("pitch_deck_name"), lambda n: n.pitch_deck_name if n.pitch_deck else ""),
        (_("Pitch deck link"), deck_link),
        (_label("video_url"), lambda n: n.video_url),
        (_label("language"), lambda n: languages.get(n.language, n.language)),
        *(moment(name) for name in TIME_FIELDS),
        (_label("screened_by"), lambda n: n.screened_by.email if n.screened_by else ""),
        (_label("ineligible_reason"), lambda n: n.ineligible_reason),
    ]


def export_rows(queryset: QuerySet[Nomination], columns: list[Column]) -> Iterator[list[Any]]:
    """The header, then one row per nomination, read in chunks (never the whole edition at once)."""
    yield [header for header, _value in columns]
    for nomination in queryset.iterator(chunk_size=ITERATOR_CHUNK):
        yield [neutralise_formula(value(nomination)) for _header, value in columns]


class _Line:
    """csv.writer writes into this and gets the line back, so each row can be streamed."""

    def write(self, value: str) -> str:
        return value


def csv_chunks(rows: Iterable[list[Any]]) -> Iterator[str]:
    writer = csv.writer(_Line())
    yield "\ufeff"  # so Excel reads the file as UTF-8 (å, ä, ö)
    for row in rows:
        yield writer.writerow(["" if value is None else value for value in row])


def xlsx_bytes(rows: Iterable[list[Any]], *, title: str) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.freeze_panes = "A2"
    for row in rows:
        # Control characters pasted into a text are not allowed in the XML of a workbook.
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
