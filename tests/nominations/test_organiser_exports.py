"""Organisers export an edition's nominations as CSV and Excel, filtered like the list."""

import csv
import io
from datetime import UTC, datetime, timedelta

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from nominations.models import Nomination
from tests.factories import (
    EditionFactory,
    NominationFactory,
    OrganiserFactory,
    SubmittedNominationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

HEADER = [
    "ID",
    "Edition",
    "Status",
    "Startup name",
    "Organisation number",
    "Website",
    "Founding year",
    "Sector",
    "Stage",
    "Team size",
    "City",
    "Tie to Flemingsberg",
    "Contact person",
    "Contact phone",
    "Contact e-mail",
    "One-line pitch",
    "Problem",
    "Solution",
    "Innovation",
    "Market",
    "Team",
    "Impact and sustainability",
    "Pitch deck file name",
    "Pitch deck link",
    "Video link",
    "Language",
    "Consent to processing of personal data given (Stockholm time)",
    "Created (Stockholm time)",
    "Updated (Stockholm time)",
    "Submitted (Stockholm time)",
    "Screened (Stockholm time)",
    "Screened by",
    "Reason for ineligibility",
]

# 09:30 UTC on 1 March is 10:30 in Stockholm (winter time); 1 July 08:15 UTC is 10:15 (summer time).
SUBMITTED = datetime(2031, 3, 1, 9, 30, 12, 345678, tzinfo=UTC)
SCREENED = datetime(2031, 7, 1, 8, 15, tzinfo=UTC)


@pytest.fixture
def edition():
    return EditionFactory(year=2031)


@pytest.fixture
def organiser():
    return OrganiserFactory(email="organiser@flemingsbergscience.example")


@pytest.fixture
def organiser_client(client, organiser):
    client.force_login(organiser)
    client.cookies["django_language"] = "en"
    return client


def export(client, edition, fmt, **params):
    return client.get(reverse("nominations:organiser_export", args=[edition.pk, fmt]), params)


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def xlsx_rows(response) -> list[tuple]:
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    return list(workbook.active.iter_rows(values_only=True))


@pytest.fixture
def screened(edition, organiser):
    nomination = SubmittedNominationFactory(
        edition=edition,
        startup_name="Neurogrid Diagnostics AB",
        org_number="556677-8899",
        website="https://neurogrid.example",
        sector="medtech",
        stage="clinical",
        team_size=7,
        city="Södertälje",
        contact_name="Sara Lind",
        contact_phone="08-123 456 78",
        submitted_by=UserFactory(email="sara@neurogrid.example"),
        language="sv",
        status=Nomination.Status.INELIGIBLE,
        ineligible_reason="Founded outside Sweden.",
        submitted_at=SUBMITTED,
        consent_at=SUBMITTED,
        screened_at=SCREENED,
        screened_by=organiser,
    )
    return nomination


def expected_row(nomination) -> list[str]:
    def local(moment):
        return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")

    return [
        str(nomination.pk),
        "2031",
        "Not eligible",
        "Neurogrid Diagnostics AB",
        "556677-8899",
        "https://neurogrid.example",
        "2022",
        "Medtech",
        "Clinical or pilot studies",
        "7",
        "Södertälje",
        "Lab bench at A Working Lab on the Flemingsberg campus.",
        "Sara Lind",
        "08-123 456 78",
        "sara@neurogrid.example",
        "Faster diagnosis of sepsis at the bedside.",
        "Sepsis is found too late.",
        "A bedside test that answers in twenty minutes.",
        "A new biomarker panel.",
        "Emergency departments in the Nordics.",
        "A clinician, a chemist and an engineer.",
        "Fewer deaths and shorter hospital stays.",
        "deck.pdf",
        f"http://127.0.0.1:8000/nominations/{nomination.pk}/deck/",
        "https://video.example/pitch",
        "Swedish",
        "2031-03-01 10:30:12",
        local(nomination.created_at),
        local(nomination.updated_at),
        "2031-03-01 10:30:12",
        "2031-07-01 10:15:00",
        "organiser@flemingsbergscience.example",
        "Founded outside Sweden.",
    ]


def test_csv_has_every_field_in_stockholm_time(organiser_client, edition, screened):
    response = export(organiser_client, edition, "csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="nominations-2031.csv"'
    assert response["Cache-Control"] == "private, no-store"
    assert response.streaming
    assert csv_rows(response) == [HEADER, expected_row(screened)]


def test_xlsx_has_the_same_rows_with_real_numbers_and_times(organiser_client, edition, screened):
    response = export(organiser_client, edition, "xlsx")

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="nominations-2031.xlsx"'
    header, row = xlsx_rows(response)
    assert list(header) == HEADER
    as_text = ["" if v is None else v.strftime("%Y-%m-%d %H:%M:%S") if isinstance(v, datetime) else str(v) for v in row]
    assert as_text == expected_row(screened)
    assert row[0] == screened.pk and row[9] == 7
    assert row[HEADER.index("Submitted (Stockholm time)")] == datetime(2031, 3, 1, 10, 30, 12)


def test_exports_leave_out_drafts_and_follow_the_lists_filters(organiser_client, edition):
    now = timezone.now()
    NominationFactory(edition=edition, startup_name="Draft AB")
    for name, sector, status in (
        ("Alpha AB", "medtech", "submitted"),
        ("Beta AB", "medtech", "eligible"),
        ("Gamma AB", "other", "submitted"),
    ):
        NominationFactory(edition=edition, startup_name=name, sector=sector, status=status, submitted_at=now)
    NominationFactory(edition=EditionFactory(), startup_name="Elsewhere AB", status="submitted", submitted_at=now)

    def names(fmt, **params):
        response = export(organiser_client, edition, fmt, **params)
        rows = csv_rows(response) if fmt == "csv" else xlsx_rows(response)
        return [row[3] for row in rows[1:]]

    for fmt in ("csv", "xlsx"):
        assert names(fmt) == ["Alpha AB", "Beta AB", "Gamma AB"]
        assert names(fmt, sector="medtech") == ["Alpha AB", "Beta AB"]
        assert names(fmt, status="submitted", sort="-name") == ["Gamma AB", "Alpha AB"]
        assert names(fmt, q="gam") == ["Gamma AB"]
        assert names(fmt, drafts="on") == ["Alpha AB", "Beta AB", "Draft AB", "Gamma AB"]


@pytest.mark.parametrize(
    ("typed", "exported"),
    [
        ('=HYPERLINK("https://evil.example","Click")', '\'=HYPERLINK("https://evil.example","Click")'),
        ("+46 8 123 456 78", "'+46 8 123 456 78"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(1+1)*cmd", "'@SUM(1+1)*cmd"),
        ("\t=1+1", "'\t=1+1"),
        ("Plain = text", "Plain = text"),
    ],
)
def test_exports_neutralise_formulas(organiser_client, edition, typed, exported):
    NominationFactory(edition=edition, status="submitted", submitted_at=timezone.now(), startup_name=typed, city=typed)

    csv_row = csv_rows(export(organiser_client, edition, "csv"))[1]
    xlsx_row = xlsx_rows(export(organiser_client, edition, "xlsx"))[1]

    assert csv_row[3] == csv_row[10] == exported
    assert xlsx_row[3] == xlsx_row[10] == exported


def test_xlsx_cells_are_text_not_formulas(organiser_client, edition):
    NominationFactory(edition=edition, status="submitted", submitted_at=timezone.now(), startup_name="=1+1")

    workbook = openpyxl.load_workbook(io.BytesIO(export(organiser_client, edition, "xlsx").content))

    cell = workbook.active["D2"]
    assert (cell.value, cell.data_type) == ("'=1+1", "s")


def test_xlsx_drops_control_characters_that_a_workbook_cannot_hold(organiser_client, edition):
    NominationFactory(edition=edition, status="submitted", submitted_at=timezone.now(), startup_name="Bell\x07 AB")

    assert xlsx_rows(export(organiser_client, edition, "xlsx"))[1][3] == "Bell AB"


def test_csv_export_runs_the_same_queries_for_3_and_30_nominations(organiser_client, edition):
    def add(count):
        for _ in range(count):
            SubmittedNominationFactory(edition=edition, screened_by=OrganiserFactory(), screened_at=timezone.now())

    def queries():
        with CaptureQueriesContext(connection) as captured:
            rows = csv_rows(export(organiser_client, edition, "csv"))
        return len(captured), len(rows)

    add(3)
    queries()
    three, rows_three = queries()
    add(27)
    thirty, rows_thirty = queries()

    assert (rows_three, rows_thirty) == (4, 31)
    assert three == thirty


def test_only_organisers_export(client, edition):
    nomination = NominationFactory(edition=edition, status="submitted", submitted_at=timezone.now() - timedelta(1))
    client.force_login(nomination.submitted_by)

    assert export(client, edition, "csv").status_code == 404
    assert client.get(f"/nominations/organiser/editions/{edition.pk}/export.pdf").status_code == 404
