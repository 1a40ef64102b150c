"""The public edition page keeps its rendered rubric and ranking rules in the cache: never stale after a
change, per language, without anything of one visitor in it, and not needed for the page to work."""

import pickle
from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse

from awards import services
from jury.verdict.models import Announcement
from nominations.models import Nomination
from tests.factories import (
    CriterionFactory,
    CriterionLevelFactory,
    EditionFactory,
    OrganiserFactory,
    SubmittedNominationFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition():
    edition = EditionFactory(year=2032, quorum=3)  # open for nominations: the rubric may still change
    criterion = CriterionFactory(edition=edition, name_sv="Marknad", name_en="Market", scale_min=1, scale_max=3)
    CriterionLevelFactory(criterion=criterion, value=1, descriptor_sv="Liten", descriptor_en="Small")
    return edition


def page(client, language: str = "en", year: int = 2032) -> str:
    client.cookies["django_language"] = language
    response = client.get(reverse("awards:edition_detail", args=[year]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_cached_rubric_saves_its_two_queries(client, edition, django_assert_num_queries):
    first = page(client)

    # The edition and whether its announcement is published; not the criteria nor their levels.
    with django_assert_num_queries(2):
        second = page(client)

    assert "Market" in second

    def rubric(html):
        return html.split('<section class="mt-4"', 1)[1].split("</main>", 1)[0]

    assert rubric(first) == rubric(second)


def test_the_rubric_is_cached_per_language(client, edition):
    assert "Market" in page(client, "en")

    html = page(client, "sv")

    assert "Marknad" in html
    assert "Market" not in html


def test_a_changed_criterion_is_shown_at_once(client, edition):
    criterion = edition.criteria.get()
    page(client)

    services.criteria_save(actor=OrganiserFactory(), edition=edition, changes=[(criterion, {"name_en": "Customers"})])

    html = page(client)
    assert "Customers" in html
    assert "Market" not in html


def test_a_deleted_criterion_is_gone_at_once(client, edition):
    criterion = CriterionFactory(edition=edition, name_en="Team strength")
    assert "Team strength" in page(client)

    services.criteria_save(actor=OrganiserFactory(), edition=edition, deletions=[criterion])

    assert "Team strength" not in page(client)


def test_a_changed_level_descriptor_is_shown_at_once(client, edition):
    criterion = edition.criteria.get()
    page(client)

    services.criterion_levels_save(
        actor=OrganiserFactory(),
        criterion=criterion,
        levels=[{"value": 1, "descriptor_sv": "Nisch", "descriptor_en": "A niche"}],
    )

    html = page(client)
    assert "A niche" in html
    assert "Small" not in html


def test_changed_ranking_rules_are_shown_at_once(client, edition):
    assert "at least 3 submitted scorecards" in page(client)

    services.edition_update(actor=OrganiserFactory(), edition=edition, data={"quorum": 5})

    assert "at least 5 submitted scorecards" in page(client)


def test_the_cache_holds_nothing_of_the_visitor(client, edition):
    html = page(client)

    nonce = html.split('nonce="', 1)[1].split('"', 1)[0]
    # The test settings' local-memory cache: its values are pickled.
    cached = [str(pickle.loads(value)) for value in cache._cache.values()]  # noqa: S301
    assert any("How the jury scores" in value for value in cached)
    for value in cached:
        assert "csrfmiddlewaretoken" not in value
        assert "nonce" not in value
        assert nonce not in value


def test_the_winner_appears_as_soon_as_the_announcement_is_published(client):
    now = datetime.now(UTC)
    edition = EditionFactory(year=2033, nominations_open_at=now - timedelta(days=120))
    winner = SubmittedNominationFactory(edition=edition, status=Nomination.Status.WINNER, startup_name="Cellvia AB")
    announcement = Announcement.objects.create(edition=edition, text_sv="Vinnaren", text_en="The winner")
    assert winner.startup_name not in page(client, year=2033)

    announcement.published_at = now
    announcement.save()

    assert winner.startup_name in page(client, year=2033)


def test_the_page_is_served_when_the_cache_is_down(client, edition, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "get", down)
    monkeypatch.setattr(cache, "set", down)

    assert "Market" in page(client)


def _rubric_reads(monkeypatch) -> list[str]:
    asked, get = [], cache.get

    def recording_get(key, *args, **kwargs):
        asked.append(key)
        return get(key, *args, **kwargs)

    monkeypatch.setattr(cache, "get", recording_get)
    return asked


def test_a_rubric_this_process_has_had_is_not_asked_of_the_cache_again(client, edition, monkeypatch):
    asked = _rubric_reads(monkeypatch)
    assert "Market" in page(client)
    assert [key for key in asked if key.startswith("awards:edition-rubric:")]  # the first time: the cache
    asked.clear()

    assert "Market" in page(client)
    assert "Marknad" in page(client, "sv")  # another language: its own copy, from the cache
    assert [key.split(":")[3] for key in asked if key.startswith("awards:edition-rubric:")] == ["sv"]


def test_the_process_copy_is_bounded(client, edition, monkeypatch):
    from awards import views

    monkeypatch.setattr(views, "_RUBRIC_HTML", {f"old-{n}": "x" for n in range(views._RUBRIC_HTML_MAX)})

    assert "Market" in page(client)
    assert len(views._RUBRIC_HTML) <= views._RUBRIC_HTML_MAX
    assert "Market" in page(client)
