"""Organisers' pages for editions: the list, creating and editing, copying last year's edition."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from awards.models import Criterion, CriterionLevel, Edition
from awards.services import edition_update
from core.models import AuditEvent
from tests.factories import (
    AwardFactory,
    CriterionFactory,
    CriterionLevelFactory,
    EditionFactory,
    OrganiserFactory,
    UserFactory,
    edition_in_scoring,
)

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")


@pytest.fixture
def organiser():
    return OrganiserFactory()


@pytest.fixture
def organiser_client(client, organiser):
    client.force_login(organiser)
    client.cookies["django_language"] = "en"
    return client


def edition_form_data(**overrides) -> dict:
    data = {
        "award": AwardFactory().pk,
        "year": 2031,
        "nominations_open_at": "2031-01-10T09:00",
        "nominations_close_at": "2031-03-14T23:59",
        "scoring_open_at": "2031-03-24T08:00",
        "scoring_close_at": "2031-04-15T17:00",
        "announce_at": "2031-05-20T18:30",
        "intro_sv": "Välkommen.",
        "intro_en": "Welcome.",
        "eligibility_sv": "Högst fem år gammalt bolag.",
        "eligibility_en": "A company at most five years old.",
        "prize_sv": "100 000 kronor.",
        "prize_en": "SEK 100,000.",
        "tally_method": "raw",
        "tie_break": "median,top_criterion,chair",
        "quorum": 3,
    }
    return {**data, **overrides}


def edition_events():
    return AuditEvent.objects.filter(action__regex=r"^(edition|criterion)\.")


def organiser_urls(edition: Edition) -> list[str]:
    criterion = CriterionFactory(edition=edition)
    return [
        reverse("awards:organiser_edition_list"),
        reverse("awards:organiser_edition_create"),
        reverse("awards:organiser_edition_edit", args=[edition.pk]),
        reverse("awards:organiser_edition_copy", args=[edition.pk]),
        reverse("awards:organiser_rubric", args=[edition.pk]),
        reverse("awards:organiser_criterion_levels", args=[edition.pk, criterion.pk]),
    ]


def test_anonymous_visitors_are_sent_to_log_in(client):
    for url in organiser_urls(EditionFactory()):
        response = client.get(url)

        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login") + "?next=")


@pytest.mark.parametrize("make_user", [UserFactory, lambda: UserFactory(is_staff=True)])
def test_people_who_are_not_organisers_get_not_found(client, make_user):
    client.force_login(make_user())
    edition = EditionFactory()

    for url in organiser_urls(edition):
        assert client.get(url).status_code == 404
        assert client.post(url, edition_form_data()).status_code == 404
    assert not edition_events().exists()


def test_navigation_shows_editions_to_organisers_only(client, organiser):
    client.cookies["django_language"] = "en"
    link = f'href="{reverse("awards:organiser_edition_list")}"'
    assert link not in client.get("/").content.decode()

    client.force_login(organiser)

    assert link in client.get("/").content.decode()


def test_list_shows_every_edition_with_its_phase(organiser_client):
    EditionFactory(year=2031)
    EditionFactory(year=2023, nominations_open_at=datetime(2023, 1, 10, tzinfo=UTC))

    html = organiser_client.get(reverse("awards:organiser_edition_list")).content.decode()

    assert "Flemingsberg Science Award STARTUP 2031" in html
    assert "Flemingsberg Science Award STARTUP 2023" in html
    assert "Open for nominations" in html
    assert "Winner announced" in html
    assert html.index("2031") < html.index("STARTUP 2023")


def test_create_reads_dates_as_stockholm_time_and_records_it(organiser_client, organiser):
    response = organiser_client.post(reverse("awards:organiser_edition_create"), edition_form_data())

    edition = Edition.objects.get(year=2031)
    assert response.status_code == 302
    assert response["Location"] == reverse("awards:organiser_edition_edit", args=[edition.pk])
    assert edition.nominations_open_at == datetime(2031, 1, 10, 8, 0, tzinfo=UTC)
    assert edition.scoring_close_at == datetime(2031, 4, 15, 15, 0, tzinfo=UTC)  # summer time: UTC+2
    assert (edition.intro_sv, edition.intro_en, edition.prize_en) == ("Välkommen.", "Welcome.", "SEK 100,000.")
    event = AuditEvent.objects.get(action="edition.created")
    assert event.actor == organiser
    assert event.object_id == str(edition.pk)
    assert event.data["nominations_open_at"] == "2031-01-10T08:00:00+00:00"


def test_edit_form_shows_stockholm_local_times_in_datetime_inputs(organiser_client):
    edition = EditionFactory(year=2031, nominations_open_at=datetime(2031, 6, 1, 7, 30, tzinfo=UTC))

    html = organiser_client.get(reverse("awards:organiser_edition_edit", args=[edition.pk])).content.decode()

    assert 'type="datetime-local" name="nominations_open_at" value="2031-06-01T09:30"' in html


def test_edit_changes_the_texts_and_records_what_changed(organiser_client, organiser):
    edition = EditionFactory(year=2031, intro_en="Old.")
    data = edition_form_data(intro_en="New.")
    del data["award"]

    response = organiser_client.post(reverse("awards:organiser_edition_edit", args=[edition.pk]), data)

    edition.refresh_from_db()
    assert response.status_code == 302
    assert edition.intro_en == "New."
    assert edition.nominations_close_at == datetime(2031, 3, 14, 22, 59, tzinfo=UTC)
    event = AuditEvent.objects.get(action="edition.updated")
    assert event.actor == organiser
    assert event.data["changes"]["intro_en"] == {"from": "Old.", "to": "New."}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("nominations_close_at", "2031-01-09T09:00", "This date must not be earlier than the step before it"),
        ("nominations_close_at", "2031-01-10T09:00", "Nominations must be open for some time."),
        ("scoring_open_at", "2031-03-01T08:00", "This date must not be earlier than the step before it"),
        ("scoring_close_at", "2031-03-24T08:00", "Scoring must be open for some time."),
        ("announce_at", "2031-04-01T12:00", "This date must not be earlier than the step before it"),
    ],
)
def test_timeline_out_of_order_is_refused_with_a_message_and_nothing_saved(organiser_client, field, value, message):
    response = organiser_client.post(reverse("awards:organiser_edition_create"), edition_form_data(**{field: value}))

    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert f'name="{field}" value="{value}"' in html  # the organiser's input is kept
    assert not Edition.objects.exists()
    assert not edition_events().exists()


def test_editing_into_an_out_of_order_timeline_changes_nothing(organiser_client):
    edition = EditionFactory(year=2031)
    before = edition.announce_at
    data = edition_form_data(announce_at="2031-01-01T12:00")
    del data["award"]

    response = organiser_client.post(reverse("awards:organiser_edition_edit", args=[edition.pk]), data)

    edition.refresh_from_db()
    assert response.status_code == 200
    assert "This date must not be earlier than the step before it" in response.content.decode()
    assert edition.announce_at == before
    assert not edition_events().exists()


def test_a_second_edition_in_the_same_year_is_refused(organiser_client):
    EditionFactory(year=2031)

    response = organiser_client.post(reverse("awards:organiser_edition_create"), edition_form_data())

    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert Edition.objects.count() == 1


def test_a_time_skipped_by_summer_time_is_refused(organiser_client):
    response = organiser_client.post(
        reverse("awards:organiser_edition_create"), edition_form_data(scoring_close_at="2031-03-30T02:30")
    )

    assert response.status_code == 200
    assert "couldn\u2019t be interpreted in time zone Europe/Stockholm" in response.content.decode()
    assert not Edition.objects.exists()


@pytest.fixture
def edition_2031():
    edition = EditionFactory(
        year=2031,
        nominations_open_at=datetime(2031, 1, 10, 9, 0, tzinfo=STOCKHOLM),
        nominations_close_at=datetime(2031, 3, 14, 23, 59, tzinfo=STOCKHOLM),
        scoring_open_at=datetime(2031, 3, 24, 8, 0, tzinfo=STOCKHOLM),
        scoring_close_at=datetime(2031, 4, 15, 17, 0, tzinfo=STOCKHOLM),
        announce_at=datetime(2031, 5, 20, 18, 30, tzinfo=STOCKHOLM),
        intro_sv="Välkommen.",
        intro_en="Welcome.",
        eligibility_sv="Unga bolag.",
        eligibility_en="Young companies.",
        prize_sv="Pengar.",
        prize_en="Money.",
    )
    team = CriterionFactory(edition=edition, position=0, name_en="Team", weight="1.50", scale_min=0, scale_max=4)
    CriterionLevelFactory(criterion=team, value=0, descriptor_sv="Inget team", descriptor_en="No team")
    CriterionLevelFactory(criterion=team, value=4, descriptor_sv="Komplett", descriptor_en="Complete")
    CriterionFactory(edition=edition, position=1, name_en="Market", weight=1, scale_min=1, scale_max=10)
    return edition


def test_copy_form_suggests_next_year_at_the_same_local_time(organiser_client, edition_2031):
    html = organiser_client.get(reverse("awards:organiser_edition_copy", args=[edition_2031.pk])).content.decode()

    assert 'name="year" value="2032"' in html
    assert 'name="nominations_open_at" value="2032-01-10T09:00"' in html


def test_copy_shifts_every_date_by_the_same_offset_and_copies_texts_and_rubric(
    organiser_client, organiser, edition_2031
):
    response = organiser_client.post(
        reverse("awards:organiser_edition_copy", args=[edition_2031.pk]),
        {"year": 2032, "nominations_open_at": "2032-01-12T10:00"},
    )

    copy = Edition.objects.get(year=2032)
    assert response.status_code == 302
    assert response["Location"] == reverse("awards:organiser_edition_edit", args=[copy.pk])
    offset = copy.nominations_open_at - edition_2031.nominations_open_at
    assert offset == timedelta(days=367, hours=1)
    for field in ("nominations_close_at", "scoring_open_at", "scoring_close_at", "announce_at"):
        assert getattr(copy, field) - getattr(edition_2031, field) == offset
    assert copy.award == edition_2031.award
    assert (copy.intro_sv, copy.intro_en, copy.eligibility_en, copy.prize_sv) == (
        "Välkommen.",
        "Welcome.",
        "Young companies.",
        "Pengar.",
    )
    criteria = list(copy.criteria.order_by("position"))
    assert [(c.name_en, str(c.weight), c.scale_min, c.scale_max) for c in criteria] == [
        ("Team", "1.50", 0, 4),
        ("Market", "1.00", 1, 10),
    ]
    assert [(lv.value, lv.descriptor_sv, lv.descriptor_en) for lv in criteria[0].levels.all()] == [
        (0, "Inget team", "No team"),
        (4, "Komplett", "Complete"),
    ]
    # The source edition keeps its own rubric.
    assert Criterion.objects.filter(edition=edition_2031).count() == 2
    assert CriterionLevel.objects.count() == 4
    event = AuditEvent.objects.get(action="edition.copied")
    assert event.actor == organiser
    assert event.object_id == str(copy.pk)
    assert event.data == {
        "source_id": edition_2031.pk,
        "source_year": 2031,
        "offset_seconds": int(offset.total_seconds()),
        "criteria": 2,
    }


def test_copy_into_a_year_that_exists_is_refused(organiser_client, edition_2031):
    EditionFactory(year=2032, award=edition_2031.award)

    response = organiser_client.post(
        reverse("awards:organiser_edition_copy", args=[edition_2031.pk]),
        {"year": 2032, "nominations_open_at": "2032-01-12T10:00"},
    )

    assert response.status_code == 200
    assert "This award already has an edition that year." in response.content.decode()
    assert Edition.objects.filter(year=2032).count() == 1
    assert not AuditEvent.objects.filter(action="edition.copied").exists()


def test_ranking_rules_are_set_before_scoring_and_locked_once_it_opens(organiser):
    edition = EditionFactory()
    edition_update(actor=organiser, edition=edition, data={"tally_method": "normalised", "quorum": 2})
    edition.refresh_from_db()
    assert (edition.tally_method, edition.quorum) == ("normalised", 2)

    scoring = edition_in_scoring()
    with pytest.raises(ValidationError) as caught:
        edition_update(actor=organiser, edition=scoring, data={"tie_break": "chair", "intro_en": "Changed."})
    assert set(caught.value.message_dict) == {"tie_break"}
    scoring.refresh_from_db()
    assert (scoring.tie_break, scoring.intro_en) == ("median,top_criterion,chair", "")
