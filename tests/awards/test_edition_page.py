"""The public page of an edition and its calendar file."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.urls import reverse

from tests.factories import CriterionFactory, CriterionLevelFactory, EditionFactory

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
OPENS = datetime(2031, 1, 10, 9, 0, tzinfo=STOCKHOLM)


@pytest.fixture
def edition():
    """An upcoming edition whose timeline crosses the start of summer time (30 March 2031)."""
    edition = EditionFactory(
        year=2031,
        nominations_open_at=OPENS,
        nominations_close_at=datetime(2031, 3, 14, 23, 59, tzinfo=STOCKHOLM),
        scoring_open_at=datetime(2031, 3, 24, 8, 0, tzinfo=STOCKHOLM),
        scoring_close_at=datetime(2031, 4, 15, 17, 0, tzinfo=STOCKHOLM),
        announce_at=datetime(2031, 5, 20, 18, 30, tzinfo=STOCKHOLM),
        intro_sv="Årets upplaga söker bolag inom life science.",
        intro_en="This edition looks for life-science companies.",
        eligibility_sv="Bolaget ska vara högst fem år gammalt.",
        eligibility_en="The company must be at most five years old.",
        prize_sv="100 000 kronor och ett år på A Working Lab.",
        prize_en="SEK 100,000 and a year at A Working Lab.",
    )
    criterion = CriterionFactory(
        edition=edition,
        name_sv="Innovationshöjd",
        name_en="Degree of innovation",
        guidance_sv="Hur nytt är det jämfört med det som finns?",
        guidance_en="How new is it compared with what exists?",
        weight=2,
        scale_min=1,
        scale_max=4,
    )
    CriterionLevelFactory(criterion=criterion, value=1, descriptor_sv="Finns redan", descriptor_en="Already exists")
    CriterionLevelFactory(criterion=criterion, value=4, descriptor_sv="Helt nytt", descriptor_en="Entirely new")
    return edition


def get_page(client, language: str, year: int = 2031) -> str:
    client.cookies["django_language"] = language
    response = client.get(reverse("awards:edition_detail", args=[year]))
    assert response.status_code == 200
    return response.content.decode()


def test_edition_page_shows_timeline_in_stockholm_time_and_rubric_in_swedish(client, edition):
    html = get_page(client, "sv")

    assert '<html lang="sv">' in html
    assert '<time datetime="2031-01-10T09:00:00+01:00">10 januari 2031 09:00</time>' in html
    # Summer time has begun by scoring's close: the offset changes, the local time stays as entered.
    assert '<time datetime="2031-04-15T17:00:00+02:00">15 april 2031 17:00</time>' in html
    assert '<time datetime="2031-05-20T18:30:00+02:00">20 maj 2031 18:30</time>' in html
    for text in [
        "Årets upplaga söker bolag inom life science.",
        "Bolaget ska vara högst fem år gammalt.",
        "100 000 kronor och ett år på A Working Lab.",
        "Innovationshöjd",
        "Hur nytt är det jämfört med det som finns?",
        "Finns redan",
        "Helt nytt",
    ]:
        assert text in html
    assert "Degree of innovation" not in html


def test_edition_page_in_english(client, edition):
    html = get_page(client, "en")

    assert '<html lang="en">' in html
    assert '<time datetime="2031-01-10T09:00:00+01:00">' in html
    for text in [
        "Upcoming",
        "Nominations open",
        "Nominations close",
        "Jury scoring opens",
        "Jury scoring closes",
        "Winner announced",
        "This edition looks for life-science companies.",
        "The company must be at most five years old.",
        "SEK 100,000 and a year at A Working Lab.",
        "Degree of innovation",
        "How new is it compared with what exists?",
        "Weight 2 · scale 1\u20134",
        "Already exists",
        "Entirely new",
    ]:
        assert text in html
    assert "Innovationshöjd" not in html


def test_edition_page_shows_the_current_phase(client):
    EditionFactory(year=2032)  # the factory's edition is open for nominations now

    html = get_page(client, "en", year=2032)

    assert "Open for nominations" in html


def test_edition_page_of_an_unknown_year_is_not_found(client, edition):
    assert client.get(reverse("awards:edition_detail", args=[1999])).status_code == 404
    assert client.get(reverse("awards:edition_calendar", args=[1999])).status_code == 404


def test_countdown_to_the_next_deadline_is_rendered_and_its_script_carries_the_nonce(client):
    now = datetime.now(UTC)
    EditionFactory(
        year=2032,
        nominations_open_at=now - timedelta(days=10),
        nominations_close_at=now + timedelta(days=30, hours=5),
    )

    client.cookies["django_language"] = "en"
    response = client.get(reverse("awards:edition_detail", args=[2032]))
    html = response.content.decode()

    script = next(line.strip() for line in html.splitlines() if "countdown.js" in line)
    assert 'nonce="' in script
    nonce = script.split('nonce="')[1].split('"')[0]
    assert nonce and f"'nonce-{nonce}'" in response["Content-Security-Policy"]
    assert "data-countdown" in html
    # The server writes the remaining time in words; the script then counts down every second.
    assert "<strong>Nominations close</strong>" in html
    assert "data-countdown-remaining>1\xa0month</span>" in html


def test_no_countdown_once_the_winner_is_announced(client):
    EditionFactory(year=2020, nominations_open_at=datetime.now(UTC) - timedelta(days=400))

    html = get_page(client, "en", year=2020)

    assert "Winner announced" in html
    assert "data-countdown" not in html
    assert "countdown.js" not in html


def test_calendar_has_one_event_per_deadline_at_the_right_times(client, edition):
    client.cookies["django_language"] = "en"

    response = client.get(reverse("awards:edition_calendar", args=[2031]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="startup-2031.ics"'
    calendar = icalendar.Calendar.from_ical(response.content)
    events = {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}
    expected = {
        "Nominations open": datetime(2031, 1, 10, 8, 0, tzinfo=UTC),
        "Nominations close": datetime(2031, 3, 14, 22, 59, tzinfo=UTC),
        "Jury scoring opens": datetime(2031, 3, 24, 7, 0, tzinfo=UTC),
        "Jury scoring closes": datetime(2031, 4, 15, 15, 0, tzinfo=UTC),
        "Winner announced": datetime(2031, 5, 20, 16, 30, tzinfo=UTC),
    }
    assert {summary.split(": ", 1)[1] for summary in events} == set(expected)
    for summary, event in events.items():
        assert event.decoded("DTSTART") == expected[summary.split(": ", 1)[1]]
        assert event["DTSTART"].params["TZID"] == "Europe/Stockholm"
        assert summary.startswith("Flemingsberg Science Award STARTUP 2031: ")
        assert str(event["URL"]).endswith("/editions/2031/")
    assert len({str(event["UID"]) for event in events.values()}) == 5
    assert b"DTSTART;TZID=Europe/Stockholm:20310110T090000" in response.content
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Stockholm"]


def test_calendar_speaks_swedish_to_a_swedish_visitor(client, edition):
    client.cookies["django_language"] = "sv"

    response = client.get(reverse("awards:edition_calendar", args=[2031]))

    calendar = icalendar.Calendar.from_ical(response.content)
    summaries = [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")]
    assert len(summaries) == 5
    assert all(s.startswith("Flemingsberg Science Award STARTUP 2031: ") for s in summaries)


def test_landing_page_links_the_edition_page_and_calendar(client, edition):
    client.cookies["django_language"] = "en"

    html = client.get(reverse("public:home")).content.decode()

    assert 'href="/editions/2031/">Read more about the 2031 edition</a>' in html
    assert 'href="/editions/2031/calendar.ics"' in html


@pytest.mark.parametrize("criteria", [2, 8])
def test_edition_page_queries_do_not_grow_with_the_rubric(client, django_assert_num_queries, criteria):
    edition = EditionFactory(year=2033)
    for position in range(criteria):
        criterion = CriterionFactory(edition=edition, position=position)
        for value in criterion.levels_range:
            CriterionLevelFactory(criterion=criterion, value=value)
    client.cookies["django_language"] = "en"

    # The edition, its criteria, their levels, and whether its announcement is published.
    with django_assert_num_queries(4):
        html = get_page(client, "en", year=2033)

    assert html.count('class="card mb-3 criterion"') == criteria
    assert html.count("Level 5") == criteria
