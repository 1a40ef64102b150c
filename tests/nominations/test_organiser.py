"""Organisers screen an edition's nominations: find them, decide eligibility one by one or in bulk."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.audit import audit_record
from core.models import AuditEvent
from nominations.models import Nomination
from tests.core.test_security_headers import assert_strict_csp
from tests.factories import (
    EditionFactory,
    NominationFactory,
    OrganiserFactory,
    SubmittedNominationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition():
    return EditionFactory()


@pytest.fixture
def organiser():
    return OrganiserFactory(email="organiser@flemingsbergscience.example")


@pytest.fixture
def organiser_client(client, organiser):
    client.force_login(organiser)
    client.cookies["django_language"] = "en"
    return client


def submitted(edition, **fields) -> Nomination:
    """A submitted nomination with only the fields a test cares about (cheaper than the full factory)."""
    fields.setdefault("submitted_at", timezone.now() - timedelta(days=1))
    fields.setdefault("status", Nomination.Status.SUBMITTED)
    return NominationFactory(edition=edition, **fields)


def list_url(edition, **params) -> str:
    url = reverse("nominations:organiser_list", args=[edition.pk])
    if params:
        from urllib.parse import urlencode

        url += "?" + urlencode(params)
    return url


def names(response) -> list[str]:
    return [nomination.startup_name for nomination in response.context["nominations"]]


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# Access


def organiser_urls(edition, nomination):
    return [
        ("get", reverse("nominations:organiser_editions")),
        ("get", list_url(edition)),
        ("post", reverse("nominations:organiser_bulk", args=[edition.pk])),
        ("get", reverse("nominations:organiser_export", args=[edition.pk, "csv"])),
        ("get", reverse("nominations:organiser_export", args=[edition.pk, "xlsx"])),
        ("get", reverse("nominations:organiser_detail", args=[nomination.pk])),
        ("post", reverse("nominations:organiser_screen", args=[nomination.pk])),
    ]


def test_anonymous_visitors_are_sent_to_log_in(client, edition):
    nomination = submitted(edition)

    for method, url in organiser_urls(edition, nomination):
        response = getattr(client, method)(url)

        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("account_login") + "?next="), url


def test_startups_and_staff_without_the_role_get_404(client, edition):
    nomination = submitted(edition)
    staff_not_organiser = UserFactory(is_staff=True)

    for user in (nomination.submitted_by, staff_not_organiser):
        client.force_login(user)
        for method, url in organiser_urls(edition, nomination):
            assert getattr(client, method)(url).status_code == 404, (user, url)
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.SUBMITTED


def test_organiser_sees_every_page(organiser_client, edition):
    nomination = submitted(edition)

    for method, url in organiser_urls(edition, nomination):
        if method == "get":
            assert organiser_client.get(url).status_code == 200, url


def test_pages_keep_the_strict_content_security_policy(organiser_client, edition):
    nomination = submitted(edition)

    for url in (list_url(edition), reverse("nominations:organiser_detail", args=[nomination.pk])):
        response = organiser_client.get(url)
        assert_strict_csp(response, url)
    assert 'src="/static/js/screening.js"' in organiser_client.get(list_url(edition)).content.decode()


def test_navigation_links_organisers_to_screening(client, organiser):
    client.force_login(organiser)
    assert reverse("nominations:organiser_editions") in client.get("/").content.decode()

    client.force_login(UserFactory())
    assert reverse("nominations:organiser_editions") not in client.get("/").content.decode()


# The list of editions


def test_editions_page_counts_nominations_by_state(organiser_client, edition):
    other = EditionFactory()
    submitted(edition)
    submitted(edition)
    submitted(edition, status=Nomination.Status.ELIGIBLE)
    submitted(edition, status=Nomination.Status.INELIGIBLE, ineligible_reason="Outside Sweden")
    NominationFactory(edition=edition)
    submitted(other)

    response = organiser_client.get(reverse("nominations:organiser_editions"))

    rows = {e.pk: (e.to_screen, e.eligible, e.ineligible, e.withdrawn, e.drafts) for e in response.context["editions"]}
    assert rows == {edition.pk: (2, 1, 1, 0, 1), other.pk: (1, 0, 0, 0, 0)}
    assert list_url(edition) in response.content.decode()


# The list of an edition's nominations


def test_list_leaves_out_drafts_and_other_editions(organiser_client, edition):
    submitted(edition, startup_name="Alpha AB")
    NominationFactory(edition=edition, startup_name="Draft AB")
    submitted(EditionFactory(), startup_name="Elsewhere AB")

    assert names(organiser_client.get(list_url(edition))) == ["Alpha AB"]
    assert names(organiser_client.get(list_url(edition, drafts="on"))) == ["Alpha AB", "Draft AB"]
    assert names(organiser_client.get(list_url(edition, status="draft"))) == ["Draft AB"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("neuro", ["Neurogrid AB"]),
        ("556677-8899", ["Neurogrid AB"]),
        ("5566778899", ["Neurogrid AB"]),
        ("lind", ["Neurogrid AB"]),
        ("Södertälje", ["Sepsis Diagnostics AB"]),
        ("  ", ["Neurogrid AB", "Sepsis Diagnostics AB"]),
        ("nothing like it", []),
    ],
)
def test_search_finds_name_org_number_contact_and_city(organiser_client, edition, query, expected):
    submitted(edition, startup_name="Neurogrid AB", org_number="556677-8899", contact_name="Sara Lind", city="Huddinge")
    submitted(edition, startup_name="Sepsis Diagnostics AB", contact_name="Per Holm", city="Södertälje")

    assert names(organiser_client.get(list_url(edition, q=query))) == expected


def test_search_finds_the_applicants_email(organiser_client, edition):
    submitted(edition, startup_name="Neurogrid AB", submitted_by=UserFactory(email="sara@neurogrid.example"))
    submitted(edition, startup_name="Other AB")

    assert names(organiser_client.get(list_url(edition, q="neurogrid.example"))) == ["Neurogrid AB"]


def test_filters_by_status_and_sector(organiser_client, edition):
    submitted(edition, startup_name="A AB", sector="medtech")
    submitted(edition, startup_name="B AB", sector="medtech", status=Nomination.Status.ELIGIBLE)
    submitted(edition, startup_name="C AB", sector="life_science", status=Nomination.Status.ELIGIBLE)

    assert names(organiser_client.get(list_url(edition, status="eligible"))) == ["B AB", "C AB"]
    assert names(organiser_client.get(list_url(edition, sector="medtech"))) == ["A AB", "B AB"]
    assert names(organiser_client.get(list_url(edition, status="eligible", sector="medtech"))) == ["B AB"]
    # A value that is not a choice is ignored rather than failing the page.
    assert names(organiser_client.get(list_url(edition, status="bogus"))) == ["A AB", "B AB", "C AB"]


def test_status_counts_follow_search_and_sector_but_not_status(organiser_client, edition):
    submitted(edition, sector="medtech")
    submitted(edition, sector="medtech")
    submitted(edition, sector="medtech", status=Nomination.Status.ELIGIBLE)
    submitted(edition, sector="medtech", status=Nomination.Status.INELIGIBLE, ineligible_reason="Too old")
    submitted(edition, sector="other", status=Nomination.Status.WITHDRAWN)
    NominationFactory(edition=edition, sector="medtech")

    response = organiser_client.get(list_url(edition, sector="medtech", status="eligible"))

    counts = {value: count for value, _label, count in response.context["status_counts"]}
    assert counts == {
        "draft": 1,
        "submitted": 2,
        "eligible": 1,
        "ineligible": 1,
        "finalist": 0,
        "winner": 0,
        "withdrawn": 0,
    }
    assert response.context["total_without_drafts"] == 4
    page = response.content.decode()
    assert 'data-status="submitted">Submitted <span class="status-count">2</span>' in " ".join(page.split())


def test_sorts_by_name_and_by_submission_time(organiser_client, edition):
    now = timezone.now()
    submitted(edition, startup_name="Beta AB", submitted_at=now - timedelta(days=3))
    submitted(edition, startup_name="Alpha AB", submitted_at=now - timedelta(days=1))
    submitted(edition, startup_name="Gamma AB", submitted_at=now - timedelta(days=2))

    assert names(organiser_client.get(list_url(edition))) == ["Alpha AB", "Beta AB", "Gamma AB"]
    assert names(organiser_client.get(list_url(edition, sort="-name"))) == ["Gamma AB", "Beta AB", "Alpha AB"]
    assert names(organiser_client.get(list_url(edition, sort="submitted"))) == ["Beta AB", "Gamma AB", "Alpha AB"]
    assert names(organiser_client.get(list_url(edition, sort="-submitted"))) == ["Alpha AB", "Gamma AB", "Beta AB"]


def test_list_is_paginated_by_fifty_keeping_the_filters(organiser_client, edition):
    for n in range(51):
        submitted(edition, startup_name=f"Startup {n:02d} AB", sector="medtech")

    first = organiser_client.get(list_url(edition, sector="medtech"))
    second = organiser_client.get(list_url(edition, sector="medtech", page=2))

    assert len(first.context["nominations"]) == 50
    assert names(second) == ["Startup 50 AB"]
    assert "?sector=medtech&amp;page=2" in first.content.decode()


def query_count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_list_runs_the_same_queries_for_3_and_30_nominations(organiser_client, edition, django_assert_num_queries):
    def add(count):
        for _ in range(count):
            submitted(edition, sector="medtech", submitted_by=UserFactory())

    add(3)
    organiser_client.get(list_url(edition))  # warm caches (content types, session)
    with django_assert_num_queries(query_count(organiser_client, list_url(edition))) as for_three:
        organiser_client.get(list_url(edition))
    add(27)

    with django_assert_num_queries(len(for_three)):
        response = organiser_client.get(list_url(edition))
    assert len(response.context["nominations"]) == 30


def test_detail_runs_a_fixed_number_of_queries(organiser_client, edition, django_assert_num_queries):
    nomination = SubmittedNominationFactory(edition=edition)
    url = reverse("nominations:organiser_detail", args=[nomination.pk])
    organiser_client.get(url)
    expected = query_count(organiser_client, url)
    for n in range(5):
        organiser_client.post(
            reverse("nominations:organiser_screen", args=[nomination.pk]),
            {"decision": "ineligible", "reason": f"Reason {n}"},
        )

    with django_assert_num_queries(expected):
        organiser_client.get(url)


# One nomination


def test_detail_shows_every_field_the_deck_and_the_history(organiser_client, edition):
    nomination = SubmittedNominationFactory(edition=edition, startup_name="Neurogrid AB", language="en")
    audit_record(action="nomination.submitted", actor=nomination.submitted_by, obj=nomination)

    page = organiser_client.get(reverse("nominations:organiser_detail", args=[nomination.pk])).content.decode()

    for value in (
        nomination.org_number,
        nomination.website,
        "2022",
        "Life science",
        "Prototype or proof of concept",
        "Huddinge",
        nomination.flemingsberg_tie,
        "Maja Ek",
        "08-123 456 78",
        nomination.submitted_by.email,
        nomination.pitch,
        nomination.problem,
        nomination.solution,
        nomination.innovation,
        nomination.market,
        nomination.team,
        nomination.impact,
        nomination.video_url,
        "English",
    ):
        assert value in page, value
    assert reverse("nominations:pitch_deck", args=[nomination.pk]) in page
    assert (
        f'Submitted\n          \n          <span class="text-body-secondary">· {nomination.submitted_by.email}' in page
    )
    assert f'action="{reverse("nominations:organiser_screen", args=[nomination.pk])}"' in page


def screen(client, nomination, **data):
    return client.post(reverse("nominations:organiser_screen", args=[nomination.pk]), data)


def test_marking_eligible_is_logged_and_sends_no_email(
    organiser_client, organiser, edition, django_capture_on_commit_callbacks
):
    nomination = SubmittedNominationFactory(edition=edition)

    with django_capture_on_commit_callbacks(execute=True):
        response = screen(organiser_client, nomination, decision="eligible", reason="")

    assert response.status_code == 302
    assert response["Location"] == reverse("nominations:organiser_detail", args=[nomination.pk])
    nomination.refresh_from_db()
    assert (nomination.status, nomination.screened_by, nomination.ineligible_reason) == ("eligible", organiser, "")
    event = AuditEvent.objects.get(action="nomination.screened")
    assert (event.actor, event.object_id) == (organiser, str(nomination.pk))
    assert event.data == {"from": "submitted", "to": "eligible", "reason": ""}
    assert mail.outbox == []
    page = organiser_client.get(response["Location"])
    assert messages_of(page) == [f"{nomination.startup_name} is marked eligible."]


def test_marking_ineligible_tells_the_startup_the_reason(
    organiser_client, organiser, edition, django_capture_on_commit_callbacks
):
    applicant = UserFactory(email="sara@neurogrid.example")
    nomination = SubmittedNominationFactory(
        edition=edition, startup_name="Neurogrid AB", submitted_by=applicant, language="en"
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = screen(organiser_client, nomination, decision="ineligible", reason="  Founded outside Sweden.  ")

    assert response.status_code == 302
    nomination.refresh_from_db()
    assert (nomination.status, nomination.ineligible_reason) == ("ineligible", "Founded outside Sweden.")
    event = AuditEvent.objects.get(action="nomination.screened")
    assert event.data == {"from": "submitted", "to": "ineligible", "reason": "Founded outside Sweden."}
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["sara@neurogrid.example"]
    assert message.subject == f"[Flemingsberg Science Award] Nomination not eligible: Neurogrid AB ({edition.year})"
    assert "Reason:\nFounded outside Sweden.\n" in message.body
    assert f"http://127.0.0.1:8000/nominations/{nomination.pk}/\n" in message.body
    assert "{%" not in message.body and "&" not in message.body


def test_ineligible_needs_a_reason_and_keeps_the_choice(organiser_client, edition):
    nomination = SubmittedNominationFactory(edition=edition)

    response = screen(organiser_client, nomination, decision="ineligible", reason="   ")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Give the reason why the nomination is not eligible. The startup receives it by e-mail." in page
    assert 'value="ineligible" id="id_decision_1" required checked>' in " ".join(page.split())
    assert messages_of(response) == ["Nothing was changed. Please correct the marked fields; what you typed is kept."]
    nomination.refresh_from_db()
    assert nomination.status == "submitted"
    assert not AuditEvent.objects.filter(action="nomination.screened").exists()


def test_a_draft_cannot_be_screened_and_the_reason_typed_is_kept(organiser_client, edition):
    draft = NominationFactory(edition=edition)

    page = organiser_client.get(reverse("nominations:organiser_detail", args=[draft.pk])).content.decode()
    assert "Only submitted nominations can be screened; this one is Draft." in page
    assert reverse("nominations:organiser_screen", args=[draft.pk]) not in page

    response = screen(organiser_client, draft, decision="ineligible", reason="Not a company yet")

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Only submitted nominations can be screened; this one is Draft."
    ]
    assert response.context["form"]["reason"].value() == "Not a company yet"
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_screening_form_starts_from_the_current_decision(organiser_client, edition):
    nomination = submitted(edition, status=Nomination.Status.INELIGIBLE, ineligible_reason="Too old")

    response = organiser_client.get(reverse("nominations:organiser_detail", args=[nomination.pk]))

    assert response.context["form"]["decision"].value() == "ineligible"
    assert response.context["form"]["reason"].value() == "Too old"


# Bulk actions


def bulk(client, edition, nominations, query="", **data):
    url = reverse("nominations:organiser_bulk", args=[edition.pk]) + query
    return client.post(url, {"nominations": [n.pk for n in nominations], **data}, follow=True)


def checkbox(page: str, nomination) -> str:
    """The row's checkbox tag, whitespace collapsed."""
    start = page.index(f'value="{nomination.pk}" id="pick-{nomination.pk}"')
    return " ".join(page[start : page.index(">", start) + 1].split())


def test_bulk_eligible_reports_what_was_done_and_what_was_refused(
    organiser_client, edition, django_capture_on_commit_callbacks
):
    first = submitted(edition, startup_name="Alpha AB")
    second = submitted(edition, startup_name="Beta AB")
    draft = NominationFactory(edition=edition, startup_name="Drafty AB")

    with django_capture_on_commit_callbacks(execute=True):
        response = bulk(organiser_client, edition, [first, second, draft], decision="eligible")

    assert response.redirect_chain == [(list_url(edition), 302)]
    assert messages_of(response) == [
        "2 nominations marked eligible.",
        "Drafty AB was not changed: Only submitted nominations can be screened; this one is Draft.",
    ]
    assert list(Nomination.objects.order_by("startup_name").values_list("status", flat=True)) == [
        "eligible",
        "eligible",
        "draft",
    ]
    assert AuditEvent.objects.filter(action="nomination.screened").count() == 2
    assert mail.outbox == []


def test_bulk_ineligible_gives_every_startup_the_same_reason(
    organiser_client, edition, django_capture_on_commit_callbacks
):
    chosen = [submitted(edition, language="en"), submitted(edition, language="en")]
    untouched = submitted(edition)

    with django_capture_on_commit_callbacks(execute=True):
        response = bulk(organiser_client, edition, chosen, decision="ineligible", reason="Founded before 2015.")

    assert messages_of(response) == ["2 nominations marked not eligible; the startups are told the reason by e-mail."]
    assert {(n.status, n.ineligible_reason) for n in Nomination.objects.filter(pk__in=[n.pk for n in chosen])} == {
        ("ineligible", "Founded before 2015.")
    }
    untouched.refresh_from_db()
    assert untouched.status == "submitted"
    assert sorted(m.to[0] for m in mail.outbox) == sorted(n.submitted_by.email for n in chosen)
    assert all("Founded before 2015." in m.body for m in mail.outbox)


def test_bulk_ineligible_without_reason_changes_nothing_and_keeps_the_ticks(organiser_client, edition):
    ticked = submitted(edition)
    other = submitted(edition)

    response = bulk(organiser_client, edition, [ticked], decision="ineligible", reason="")

    assert response.status_code == 200 and response.redirect_chain == []
    page = response.content.decode()
    assert "Give the reason why the nomination is not eligible." in page
    assert checkbox(page, ticked).endswith("checked>")
    assert not checkbox(page, other).endswith("checked>")
    assert set(Nomination.objects.values_list("status", flat=True)) == {"submitted"}


def test_bulk_needs_a_tick_and_only_takes_this_editions_nominations(organiser_client, edition):
    elsewhere = submitted(EditionFactory())

    nothing = bulk(organiser_client, edition, [], decision="eligible")
    foreign = bulk(organiser_client, edition, [elsewhere], decision="eligible")

    assert "Tick at least one nomination." in nothing.content.decode()
    assert foreign.redirect_chain == []
    elsewhere.refresh_from_db()
    assert elsewhere.status == "submitted"


def test_bulk_returns_to_the_same_filtered_list(organiser_client, edition):
    nomination = submitted(edition, sector="medtech")

    response = bulk(organiser_client, edition, [nomination], query="?sector=medtech&page=1", decision="eligible")

    assert response.redirect_chain == [(list_url(edition) + "?sector=medtech&page=1", 302)]
