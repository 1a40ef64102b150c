"""Nothing about the result is visible outside the jury chair and the organisers before the
announcement is published, whatever the edition's timeline says: not to the public, not to the
startups (not even on their own nomination page), not to jurors who are not the chair. After
publication the public pages show the winner, the finalists and the announcement text."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from jury.verdict.models import Announcement
from jury.verdict.services.announcement import announcement_publish_now, announcement_save
from jury.verdict.services.deliberation import finalists_set, winner_approve

from .verdict_setup import deliberation

pytestmark = pytest.mark.django_db

TEXT_SV = "Juryn har valt vinnaren efter en lång överläggning."
TEXT_EN = "The jury has chosen the winner after long deliberation."


@pytest.fixture
def d():
    """Finalists marked, the winner approved and the announcement scheduled; the edition's announcement
    date has passed, so its phase says "announced" although nothing is published."""
    d = deliberation()
    finalists_set(actor=d.organiser, edition=d.edition, nomination_ids=[d.first.pk, d.second.pk])
    winner_approve(actor=d.organiser, edition=d.edition, winner_id=d.first.pk)
    announcement_save(
        actor=d.organiser, edition=d.edition, text_sv=TEXT_SV, text_en=TEXT_EN,
        publish_at=timezone.now() + timedelta(hours=1),
    )  # fmt: skip
    d.edition.announce_at = timezone.now() - timedelta(minutes=5)
    d.edition.save()
    return d


def publish(d):
    Announcement.objects.filter(edition=d.edition).update(publish_at=None)
    announcement_publish_now(actor=d.organiser, edition=d.edition, text_sv=TEXT_SV, text_en=TEXT_EN)


def login(client, user, language="en"):
    client.cookies["django_language"] = language
    if user is not None:
        client.force_login(user)
    return client


def public_pages(d) -> list[str]:
    return [
        reverse("awards:edition_detail", args=[d.edition.year]),
        reverse("public:home"),
        reverse("public:past_winners"),
    ]


def secrets_in(html: str, d) -> list[str]:
    """Whatever of the result shows in the page."""
    found = [text for text in (TEXT_SV, TEXT_EN) if text in html]
    found += [n.startup_name for n in (d.first, d.second) if n.startup_name in html]
    found += [marker for marker in ("result-winner", "result-finalists", "announcement-text") if marker in html]
    return found


def roles(d):
    return {
        "anonymous": None,
        "startup": d.first.submitted_by,
        "juror": d.juror,
        "chair": d.chair,
        "organiser": d.organiser,
    }


@pytest.mark.parametrize("role", ["anonymous", "startup", "juror", "chair", "organiser"])
def test_before_publication_the_public_pages_show_nothing_of_the_result(client, d, role):
    login(client, roles(d)[role])

    for url in public_pages(d):
        response = client.get(url)
        assert response.status_code == 200, url
        assert secrets_in(response.content.decode(), d) == [], url


@pytest.mark.parametrize("role", ["anonymous", "startup", "juror", "chair", "organiser"])
def test_after_publication_the_public_pages_show_the_winner_and_finalists(client, d, role):
    publish(d)
    login(client, roles(d)[role])

    page = client.get(reverse("awards:edition_detail", args=[d.edition.year])).content.decode()
    assert TEXT_EN in page and TEXT_SV not in page
    assert d.first.startup_name in page and d.second.startup_name in page
    assert d.nominations[2].startup_name not in page
    home = client.get(reverse("public:home")).content.decode()
    assert TEXT_EN in home and d.first.startup_name in home and d.second.startup_name in home
    winners = client.get(reverse("public:past_winners")).content.decode()
    assert f'<span class="winner-year">{d.edition.year}</span>' in winners
    assert d.first.startup_name in winners


def test_the_published_text_is_in_the_visitors_language(client, d):
    publish(d)

    page = login(client, None, "sv").get(reverse("awards:edition_detail", args=[d.edition.year])).content.decode()

    assert TEXT_SV in page and TEXT_EN not in page


def test_the_past_winners_page_gains_the_year_only_at_publication(client, d):
    login(client, None)
    before = client.get(reverse("public:past_winners")).content.decode()
    publish(d)
    after = client.get(reverse("public:past_winners")).content.decode()

    assert str(d.edition.year) not in before
    assert f'<span class="winner-year">{d.edition.year}</span>' in after


@pytest.mark.parametrize("nominee", ["first", "second"])
def test_a_startup_sees_no_hint_on_its_own_nomination_page_before_publication(client, d, nominee):
    nomination = getattr(d, nominee)
    login(client, nomination.submitted_by)
    before = client.get(reverse("nominations:detail", args=[nomination.pk])).content.decode()
    publish(d)
    after = client.get(reverse("nominations:detail", args=[nomination.pk])).content.decode()

    expected = {"first": ">Winner</span>", "second": ">Finalist</span>"}[nominee]
    assert ">Eligible</span>" in before
    assert ">Winner</span>" not in before and ">Finalist</span>" not in before
    assert expected in after


@pytest.mark.parametrize("published", [False, True])
@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 302), ("startup", 404), ("juror", 404), ("chair", 200), ("organiser", 200)],
)
def test_the_results_page_is_for_the_chair_and_the_organisers_only(client, d, role, status, published):
    if published:
        publish(d)
    login(client, roles(d)[role])

    response = client.get(reverse("verdict:results", args=[d.edition.pk]))

    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith(reverse("account_login"))


def test_the_plain_jurors_dashboard_shows_nothing_of_the_result(client, d):
    login(client, d.juror)

    page = client.get(reverse("jury:dashboard")).content.decode()

    assert reverse("verdict:results", args=[d.edition.pk]) not in page
    assert secrets_in(page, d) == []


def test_the_chairs_dashboard_links_to_the_results(client, d):
    login(client, d.chair)

    page = client.get(reverse("jury:dashboard")).content.decode()

    assert reverse("verdict:results", args=[d.edition.pk]) in page


def test_the_ranking_rules_are_public_at_all_times(client, d):
    login(client, None)
    d.edition.scoring_open_at = timezone.now() + timedelta(days=1)  # long before any result
    d.edition.scoring_close_at = timezone.now() + timedelta(days=20)
    d.edition.announce_at = timezone.now() + timedelta(days=30)
    d.edition.nominations_close_at = timezone.now()
    d.edition.save()

    page = client.get(reverse("awards:edition_detail", args=[d.edition.year])).content.decode()

    assert d.edition.get_tally_method_display() in page
    assert d.edition.get_tie_break_display() in page
    assert 'class="row ranking-rules"' in page
