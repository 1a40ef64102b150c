"""The rubric editor: criteria of an edition and the descriptor of each level of their scales."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from awards import services
from awards.models import Criterion, CriterionLevel, Phase
from core.models import AuditEvent
from tests.factories import CriterionFactory, CriterionLevelFactory, EditionFactory, OrganiserFactory

pytestmark = pytest.mark.django_db

FIELDS = ("position", "name_sv", "name_en", "guidance_sv", "guidance_en", "weight", "scale_min", "scale_max")


@pytest.fixture
def organiser():
    return OrganiserFactory()


@pytest.fixture
def organiser_client(client, organiser):
    client.force_login(organiser)
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def edition():
    return EditionFactory()  # open for nominations: the rubric may still change


@pytest.fixture
def scoring_edition():
    now = datetime.now(UTC)
    edition = EditionFactory(
        nominations_open_at=now - timedelta(days=60),
        nominations_close_at=now - timedelta(days=20),
        scoring_open_at=now - timedelta(days=1),
    )
    assert edition.phase == Phase.SCORING
    return edition


def criterion_row(criterion: Criterion | None = None, **values) -> dict:
    row = {field: getattr(criterion, field) for field in FIELDS} if criterion else {}
    if criterion is not None:
        row.update({"id": criterion.pk, "edition": criterion.edition_id})
    return {**row, **values}


def rubric_post(existing: list[dict], new: list[dict] = ()) -> dict:
    rows = [*existing, *new]
    data = {
        "criteria-TOTAL_FORMS": len(rows),
        "criteria-INITIAL_FORMS": len(existing),
        "criteria-MIN_NUM_FORMS": 0,
        "criteria-MAX_NUM_FORMS": 1000,
    }
    for index, row in enumerate(rows):
        data.update({f"criteria-{index}-{key}": value for key, value in row.items()})
    return data


NEW_CRITERION = {
    "position": 0,
    "name_sv": "Marknad",
    "name_en": "Market",
    "guidance_sv": "Vem betalar?",
    "guidance_en": "Who pays?",
    "weight": "2",
    "scale_min": 1,
    "scale_max": 5,
}


def rubric_events():
    return AuditEvent.objects.filter(action__startswith="criterion.")


def test_rubric_editor_adds_a_criterion_and_records_it(organiser_client, organiser, edition):
    url = reverse("awards:organiser_rubric", args=[edition.pk])

    response = organiser_client.post(url, rubric_post([], [NEW_CRITERION]))

    assert response.status_code == 302
    criterion = Criterion.objects.get(edition=edition)
    assert (criterion.name_sv, criterion.name_en, criterion.guidance_en) == ("Marknad", "Market", "Who pays?")
    assert (criterion.weight, criterion.scale_min, criterion.scale_max) == (Decimal("2.00"), 1, 5)
    event = rubric_events().get()
    assert (event.action, event.actor, event.object_id) == ("criterion.saved", organiser, str(criterion.pk))
    assert event.data["created"] is True


def test_rubric_editor_shows_criteria_with_their_level_counts(organiser_client, edition):
    criterion = CriterionFactory(edition=edition, name_en="Team", scale_min=1, scale_max=5)
    CriterionLevelFactory(criterion=criterion, value=1)
    CriterionLevelFactory(criterion=criterion, value=5)
    url = reverse("awards:organiser_rubric", args=[edition.pk])

    html = organiser_client.get(url).content.decode()

    assert 'value="Team"' in html
    assert "Level descriptors (2/5)" in html
    assert reverse("awards:organiser_criterion_levels", args=[edition.pk, criterion.pk]) in html


def test_rubric_editor_updates_and_deletes_criteria(organiser_client, edition):
    kept = CriterionFactory(edition=edition, weight=1)
    dropped = CriterionFactory(edition=edition)
    url = reverse("awards:organiser_rubric", args=[edition.pk])

    response = organiser_client.post(
        url, rubric_post([criterion_row(kept, weight="3.5"), criterion_row(dropped, DELETE="on")])
    )

    assert response.status_code == 302
    kept.refresh_from_db()
    assert kept.weight == Decimal("3.50")
    assert list(Criterion.objects.filter(edition=edition)) == [kept]
    saved = rubric_events().get(action="criterion.saved")
    assert saved.data["changed"] == ["weight"]
    assert rubric_events().get(action="criterion.deleted").object_id == str(dropped.pk)


def test_narrowing_a_scale_removes_the_levels_outside_it(organiser_client, edition):
    criterion = CriterionFactory(edition=edition, scale_min=1, scale_max=5)
    for value in criterion.levels_range:
        CriterionLevelFactory(criterion=criterion, value=value)
    url = reverse("awards:organiser_rubric", args=[edition.pk])

    organiser_client.post(url, rubric_post([criterion_row(criterion, scale_min=2, scale_max=4)]))

    assert list(criterion.levels.values_list("value", flat=True)) == [2, 3, 4]
    assert rubric_events().get(action="criterion.saved").data["levels_removed"] == 2


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"weight": "0"}, "The weight must be greater than zero."),
        ({"weight": "-1"}, "The weight must be greater than zero."),
        ({"scale_min": 5, "scale_max": 5}, "The highest score must be greater than the lowest."),
        ({"scale_min": 5, "scale_max": 1}, "The highest score must be greater than the lowest."),
        ({"scale_min": 0, "scale_max": 11}, "A scale may have at most 10 steps."),
    ],
)
def test_invalid_criterion_is_refused_with_a_message_and_nothing_saved(organiser_client, edition, values, message):
    url = reverse("awards:organiser_rubric", args=[edition.pk])

    response = organiser_client.post(url, rubric_post([], [{**NEW_CRITERION, **values}]))

    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert "Please correct the criteria marked below. Nothing was saved." in html
    assert not Criterion.objects.exists()
    assert not rubric_events().exists()


def test_a_scale_of_ten_steps_is_allowed(organiser_client, edition):
    url = reverse("awards:organiser_rubric", args=[edition.pk])

    organiser_client.post(url, rubric_post([], [{**NEW_CRITERION, "scale_min": 0, "scale_max": 10}]))

    assert Criterion.objects.get().levels_range == range(0, 11)


def test_rubric_change_is_refused_once_scoring_has_opened(organiser_client, scoring_edition):
    criterion = CriterionFactory(edition=scoring_edition, weight=1)
    url = reverse("awards:organiser_rubric", args=[scoring_edition.pk])
    page = organiser_client.get(url).content.decode()

    response = organiser_client.post(url, rubric_post([criterion_row(criterion, weight="5")], [NEW_CRITERION]))

    criterion.refresh_from_db()
    assert "so its rubric can no longer be changed" in page
    assert "Save the rubric" not in page
    assert response.status_code == 200
    assert "Scoring has opened for this edition, so its rubric can no longer be changed. Nothing was saved." in (
        response.content.decode()
    )
    assert criterion.weight == 1
    assert Criterion.objects.filter(edition=scoring_edition).count() == 1
    assert not rubric_events().exists()


@pytest.mark.parametrize("phase_offset_days", [1, 30, 60])
def test_services_refuse_rubric_changes_in_scoring_and_later(organiser, phase_offset_days):
    now = datetime.now(UTC)
    edition = EditionFactory(
        nominations_open_at=now - timedelta(days=48 + phase_offset_days),
        nominations_close_at=now - timedelta(days=8 + phase_offset_days),
        scoring_open_at=now - timedelta(days=phase_offset_days),
        scoring_close_at=now - timedelta(days=phase_offset_days) + timedelta(days=21),
    )
    assert edition.phase in (Phase.SCORING, Phase.DELIBERATION, Phase.ANNOUNCED)
    criterion = CriterionFactory(edition=edition)

    with pytest.raises(ValidationError) as refused:
        services.criteria_save(actor=organiser, edition=edition, changes=[(criterion, {"weight": Decimal(3)})])
    assert refused.value.code == "rubric_locked"
    with pytest.raises(ValidationError) as refused:
        services.criterion_levels_save(
            actor=organiser, criterion=criterion, levels=[{"value": 1, "descriptor_sv": "a", "descriptor_en": "b"}]
        )
    assert refused.value.code == "rubric_locked"
    criterion.refresh_from_db()
    assert criterion.weight == 1
    assert not criterion.levels.exists()


def levels_post(rows: list[tuple[int, str, str]]) -> dict:
    data = {
        "levels-TOTAL_FORMS": len(rows),
        "levels-INITIAL_FORMS": len(rows),
        "levels-MIN_NUM_FORMS": 0,
        "levels-MAX_NUM_FORMS": 1000,
    }
    for index, (value, sv, en) in enumerate(rows):
        data.update(
            {f"levels-{index}-value": value, f"levels-{index}-descriptor_sv": sv, f"levels-{index}-descriptor_en": en}
        )
    return data


def test_level_page_has_one_row_per_level_of_the_scale(organiser_client, edition):
    criterion = CriterionFactory(edition=edition, scale_min=0, scale_max=3)
    CriterionLevelFactory(criterion=criterion, value=2, descriptor_sv="Bra", descriptor_en="Good")
    url = reverse("awards:organiser_criterion_levels", args=[edition.pk, criterion.pk])

    html = organiser_client.get(url).content.decode()

    assert html.count('class="row align-items-start border-bottom pt-2 level-form"') == 4
    for index, value in enumerate(range(4)):
        assert f'name="levels-{index}-value" value="{value}"' in html
    assert 'name="levels-2-descriptor_sv" value="Bra"' in html
    assert 'name="levels-2-descriptor_en" value="Good"' in html


def test_level_descriptors_are_saved_changed_and_removed(organiser_client, organiser, edition):
    criterion = CriterionFactory(edition=edition, scale_min=1, scale_max=3)
    CriterionLevelFactory(criterion=criterion, value=3, descriptor_sv="Gammal", descriptor_en="Old")
    url = reverse("awards:organiser_criterion_levels", args=[edition.pk, criterion.pk])

    response = organiser_client.post(url, levels_post([(1, "Svag", "Weak"), (2, "Medel", "Fair"), (3, "", "")]))

    assert response.status_code == 302
    assert list(criterion.levels.values_list("value", "descriptor_sv", "descriptor_en")) == [
        (1, "Svag", "Weak"),
        (2, "Medel", "Fair"),
    ]
    event = rubric_events().get(action="criterion.levels_saved")
    assert event.actor == organiser
    assert event.data["values"] == [1, 2, 3]


def test_level_outside_the_scale_is_refused_with_a_message(organiser_client, edition):
    criterion = CriterionFactory(edition=edition, scale_min=1, scale_max=5)
    url = reverse("awards:organiser_criterion_levels", args=[edition.pk, criterion.pk])

    response = organiser_client.post(url, levels_post([(1, "Svag", "Weak"), (9, "Otrolig", "Incredible")]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Score 9 is outside this criterion&#x27;s scale (1 to 5)." in html
    assert not CriterionLevel.objects.exists()
    assert not rubric_events().exists()


def test_service_refuses_levels_outside_the_scale(organiser, edition):
    criterion = CriterionFactory(edition=edition, scale_min=1, scale_max=5)

    with pytest.raises(ValidationError) as refused:
        services.criterion_levels_save(
            actor=organiser,
            criterion=criterion,
            levels=[{"value": 0, "descriptor_sv": "Noll", "descriptor_en": "Zero"}],
        )

    assert refused.value.messages == ["Scores 0 are outside this criterion's scale (1 to 5)."]
    assert not CriterionLevel.objects.exists()


def test_a_descriptor_in_one_language_only_is_refused(organiser_client, edition):
    criterion = CriterionFactory(edition=edition, scale_min=1, scale_max=2)
    url = reverse("awards:organiser_criterion_levels", args=[edition.pk, criterion.pk])

    response = organiser_client.post(url, levels_post([(1, "Svag", ""), (2, "", "")]))

    assert response.status_code == 200
    assert "Give the descriptor in both languages." in response.content.decode()
    assert not CriterionLevel.objects.exists()


def test_levels_of_another_editions_criterion_are_not_found(organiser_client, edition):
    other = CriterionFactory()

    url = reverse("awards:organiser_criterion_levels", args=[edition.pk, other.pk])

    assert organiser_client.get(url).status_code == 404


def test_a_criterion_of_another_edition_cannot_be_changed_through_this_one(organiser, edition):
    other = CriterionFactory(weight=1)

    with pytest.raises(PermissionDenied):
        services.criteria_save(actor=organiser, edition=edition, changes=[(other, {"weight": Decimal(9)})])

    other.refresh_from_db()
    assert other.weight == 1
