"""The organiser's assignment page (make a plan, adjust it, release it) and progress page (the matrix,
its query count, nudging a juror)."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent, OutboundEmail
from jury.assignment import presentation_order
from jury.models import Assignment, ConflictDeclaration, JuryMember, JuryPlan, ReminderSent, Scorecard
from nominations.models import Nomination
from tests.core.test_security_headers import assert_strict_csp
from tests.factories import (
    EditionFactory,
    NominationFactory,
    OrganiserFactory,
    UserFactory,
    edition_in_scoring,
    jury_plan_released,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser():
    return OrganiserFactory(email="organiser@flemingsbergscience.example")


@pytest.fixture
def organiser_client(client, organiser):
    client.force_login(organiser)
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def edition():
    """Open for nominations: scoring opens in about five weeks, so the plan can still change."""
    return EditionFactory()


def seat(edition, count: int, **fields) -> list:
    users = [UserFactory(name=f"Juror {chr(65 + i)}", **fields) for i in range(count)]
    for user in users:
        JuryMember.objects.create(edition=edition, user=user)
    return users


def eligible(edition, count: int = 1, status=Nomination.Status.ELIGIBLE) -> list[Nomination]:
    return [
        NominationFactory(edition=edition, status=status, submitted_at=timezone.now() - timedelta(days=1))
        for _ in range(count)
    ]


def conflict(juror, nomination) -> ConflictDeclaration:
    return ConflictDeclaration.objects.create(juror=juror, nomination=nomination, has_conflict=True, kind="investor")


def url(name: str, edition, *args) -> str:
    return reverse(f"jury:{name}", args=[edition.pk, *args])


def generate(client, edition, **data):
    return client.post(url("assignments_generate", edition), data)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def plan_of(edition) -> dict[int, set[int]]:
    plan: dict[int, set[int]] = {}
    for juror_id, nomination_id in Assignment.objects.filter(edition=edition).values_list("juror_id", "nomination_id"):
        plan.setdefault(nomination_id, set()).add(juror_id)
    return plan


def actions(prefix: str) -> list[str]:
    return list(AuditEvent.objects.filter(action__startswith=prefix).order_by("pk").values_list("action", flat=True))


# Access


def organiser_urls(edition, juror_id: int):
    return [
        ("get", url("assignments", edition)),
        ("post", url("assignments_generate", edition)),
        ("post", url("assignments_change", edition)),
        ("post", url("assignments_release", edition)),
        ("get", url("progress", edition)),
        ("post", url("progress_nudge", edition, juror_id)),
    ]


def test_anonymous_visitors_are_sent_to_log_in(client, edition):
    for method, address in organiser_urls(edition, 1):
        response = getattr(client, method)(address)

        assert response.status_code == 302, address
        assert response["Location"].startswith(reverse("account_login") + "?next="), address


def test_jurors_and_staff_without_the_role_get_404(client, edition):
    (juror,) = seat(edition, 1)
    eligible(edition, 2)
    staff = UserFactory(is_staff=True)

    for user in (juror, staff):
        client.force_login(user)
        for method, address in organiser_urls(edition, juror.pk):
            data = {"mode": "all"} if method == "post" else None
            assert getattr(client, method)(address, data).status_code == 404, (user, address)
    assert Assignment.objects.count() == 0


def test_unknown_edition_is_404(organiser_client):
    assert organiser_client.get(reverse("jury:assignments", args=[999999])).status_code == 404
    assert organiser_client.get(reverse("jury:progress", args=[999999])).status_code == 404


def test_pages_keep_the_strict_content_security_policy(organiser_client, edition):
    seat(edition, 3)
    eligible(edition, 3)
    generate(organiser_client, edition, mode="k", jurors_per_nomination=2, seed=1)

    for address in (url("assignments", edition), url("progress", edition)):
        response = organiser_client.get(address)
        assert response.status_code == 200
        assert_strict_csp(response, address)


# Making a plan


def test_k_plan_gives_each_eligible_nomination_k_jurors_in_each_jurors_own_order(organiser_client, edition):
    jurors = seat(edition, 4)
    nominations = eligible(edition, 5) + eligible(edition, 1, status=Nomination.Status.FINALIST)
    eligible(edition, 1, status=Nomination.Status.SUBMITTED)
    eligible(edition, 1, status=Nomination.Status.INELIGIBLE)

    response = generate(organiser_client, edition, mode="k", jurors_per_nomination=2, seed=42)

    assert response.status_code == 302
    plan = plan_of(edition)
    assert sorted(plan) == sorted(n.pk for n in nominations)
    assert all(len(assigned) == 2 for assigned in plan.values())
    loads = [sum(j.pk in a for a in plan.values()) for j in jurors]
    assert sorted(loads) == [3, 3, 3, 3]
    for juror in jurors:
        rows = list(Assignment.objects.filter(juror=juror).order_by("position"))
        assert [r.position for r in rows] == list(range(len(rows)))
        assert [r.nomination_id for r in rows] == presentation_order(juror.pk, [r.nomination_id for r in rows], 42)
    stored = JuryPlan.objects.get(edition=edition)
    assert (stored.mode, stored.jurors_per_nomination, stored.seed, stored.released_at) == ("k", 2, 42, None)
    event = AuditEvent.objects.get(action="jury.assignments_generated")
    assert event.actor.email == "organiser@flemingsbergscience.example"
    assert (event.data["seed"], event.data["assignments"], event.data["released"]) == (42, 12, False)


def test_the_same_seed_gives_the_same_plan_again(organiser_client, edition):
    seat(edition, 5)
    eligible(edition, 7)
    generate(organiser_client, edition, mode="k", jurors_per_nomination=3, seed=9)
    first = set(Assignment.objects.values_list("juror_id", "nomination_id", "position"))

    generate(organiser_client, edition, mode="k", jurors_per_nomination=3, seed=9)

    assert set(Assignment.objects.values_list("juror_id", "nomination_id", "position")) == first
    assert AuditEvent.objects.filter(action="jury.assignments_generated").order_by("pk").last().data["replaced"] == 21


def test_an_empty_seed_draws_a_new_one(organiser_client, edition):
    seat(edition, 3)
    eligible(edition, 2)

    response = generate(organiser_client, edition, mode="k", jurors_per_nomination=1, seed="")

    seed = JuryPlan.objects.get(edition=edition).seed
    assert f"seed {seed}" in " ".join(messages_of(organiser_client.get(response["Location"])))


def test_all_mode_leaves_out_conflicts(organiser_client, edition):
    a, b, c = seat(edition, 3)
    first, second = eligible(edition, 2)
    conflict(b, first)

    generate(organiser_client, edition, mode="all")

    assert plan_of(edition) == {first.pk: {a.pk, c.pk}, second.pk: {a.pk, b.pk, c.pk}}
    assert JuryPlan.objects.get(edition=edition).mode == "all"


def test_k_plan_keeps_conflicted_jurors_away(organiser_client, edition):
    jurors = seat(edition, 4)
    nominations = eligible(edition, 6)
    for nomination in nominations[:3]:
        conflict(jurors[0], nomination)

    generate(organiser_client, edition, mode="k", jurors_per_nomination=3, seed=3)

    plan = plan_of(edition)
    assert all(jurors[0].pk not in plan[n.pk] for n in nominations[:3])
    assert sorted(sum(j.pk in a for a in plan.values()) for j in jurors) == [3, 5, 5, 5]


def test_too_few_unconflicted_jurors_is_refused_naming_the_startups(organiser_client, edition):
    a, b, _c = seat(edition, 3)
    short, fine = eligible(edition, 2)
    short.startup_name = "Shortfall AB"
    short.save()
    conflict(a, short)
    conflict(b, short)
    generate(organiser_client, edition, mode="all")
    before = plan_of(edition)

    response = generate(organiser_client, edition, mode="k", jurors_per_nomination=2, seed=1)

    page = organiser_client.get(response["Location"])
    assert any("Shortfall AB" in m and "Too few jurors" in m for m in messages_of(page))
    assert fine.startup_name not in " ".join(messages_of(page))
    assert plan_of(edition) == before
    assert JuryPlan.objects.get(edition=edition).mode == "all"


def test_more_jurors_per_nomination_than_the_jury_has_is_a_form_error(organiser_client, edition):
    seat(edition, 2)
    eligible(edition, 2)

    response = generate(organiser_client, edition, mode="k", jurors_per_nomination=3, seed=1)

    assert response.status_code == 400
    assert "Choose from 1 to 2 jurors per nomination" in response.content.decode()
    assert Assignment.objects.count() == 0


def test_k_mode_without_a_number_is_a_form_error(organiser_client, edition):
    seat(edition, 2)
    eligible(edition, 2)

    response = generate(organiser_client, edition, mode="k", jurors_per_nomination="")

    assert response.status_code == 400
    assert Assignment.objects.count() == 0


def test_no_jurors_or_no_eligible_nominations_is_refused(organiser_client, edition):
    eligible(edition, 2)
    response = generate(organiser_client, edition, mode="all")
    assert "no members" in " ".join(messages_of(organiser_client.get(response["Location"])))

    other = EditionFactory()
    seat(other, 2)
    eligible(other, 1, status=Nomination.Status.SUBMITTED)
    response = generate(organiser_client, other, mode="all")
    assert "No nomination is eligible" in " ".join(messages_of(organiser_client.get(response["Location"])))
    assert Assignment.objects.count() == 0


def test_a_plan_is_refused_once_scoring_has_opened(organiser_client):
    edition = edition_in_scoring()
    juror, _other = seat(edition, 2)
    (nomination,) = eligible(edition)

    response = generate(organiser_client, edition, mode="all")
    change = organiser_client.post(url("assignments_change", edition), {"change": f"add:{nomination.pk}:{juror.pk}"})

    assert "Scoring has opened" in " ".join(messages_of(organiser_client.get(response["Location"])))
    assert change.status_code == 302
    assert Assignment.objects.count() == 0
    page = organiser_client.get(url("assignments", edition)).content.decode()
    assert "Make the plan" not in page
    assert "can no longer be changed" in page


# The table


def test_table_shows_loads_and_pairs_of_jurors(organiser_client, edition):
    a, b, c = seat(edition, 3)
    n1, n2, n3 = eligible(edition, 3)
    for juror, nomination in ((a, n1), (b, n1), (a, n2), (b, n2), (c, n3)):
        Assignment.objects.create(edition=edition, juror=juror, nomination=nomination)

    response = organiser_client.get(url("assignments", edition))

    table = response.context["table"]
    assert table.loads == [2, 2, 1]
    assert (table.pairs_covered, table.pairs_total) == (1, 3)
    assert [(x.pk, y.pk) for x, y in table.uncovered] == [(a.pk, c.pk), (b.pk, c.pk)]
    page = response.content.decode()
    assert "Pairs of jurors who share at least one nomination: 1 of 3." in page
    assert f'value="remove:{n1.pk}:{a.pk}"' in page
    assert f'value="add:{n3.pk}:{a.pk}"' in page


def test_table_shows_conflicts_without_an_add_button(organiser_client, edition):
    a, _b = seat(edition, 2)
    (nomination,) = eligible(edition)
    conflict(a, nomination)

    page = organiser_client.get(url("assignments", edition)).content.decode()

    assert f'value="add:{nomination.pk}:{a.pk}"' not in page
    assert "Conflict" in page


def test_pair_coverage_is_complete_for_six_jurors_and_thirty_nominations(organiser_client, edition):
    seat(edition, 6)
    eligible(edition, 30)

    generate(organiser_client, edition, mode="k", jurors_per_nomination=3, seed=5)

    table = organiser_client.get(url("assignments", edition)).context["table"]
    assert (table.pairs_covered, table.pairs_total, table.loads) == (15, 15, [15] * 6)


# Adjusting


def test_adding_a_juror_puts_the_nomination_last_in_their_order(organiser_client, edition):
    a, b = seat(edition, 2)
    n1, n2, n3 = eligible(edition, 3)
    generate(organiser_client, edition, mode="k", jurors_per_nomination=1, seed=2)
    target = next(n for n in (n1, n2, n3) if not Assignment.objects.filter(juror=a, nomination=n).exists())
    last = max(Assignment.objects.filter(juror=a).values_list("position", flat=True), default=-1)

    response = organiser_client.post(url("assignments_change", edition), {"change": f"add:{target.pk}:{a.pk}"})

    assert response.status_code == 302
    assert Assignment.objects.get(juror=a, nomination=target).position == last + 1
    event = AuditEvent.objects.get(action="jury.assignment_added")
    assert event.data == {"juror": a.pk, "nomination": target.pk, "released": False, "position": last + 1}
    assert sorted(Assignment.objects.filter(nomination=target).values_list("juror_id", flat=True)) == sorted(
        [a.pk, b.pk]
    )


def test_removing_a_juror(organiser_client, edition):
    a, _b = seat(edition, 2)
    (nomination,) = eligible(edition)
    generate(organiser_client, edition, mode="all")

    organiser_client.post(url("assignments_change", edition), {"change": f"remove:{nomination.pk}:{a.pk}"})

    assert not Assignment.objects.filter(juror=a).exists()
    assert Assignment.objects.filter(nomination=nomination).count() == 1
    assert AuditEvent.objects.get(action="jury.assignment_removed").data["juror"] == a.pk


def test_adding_a_conflicted_juror_is_refused_with_a_message(organiser_client, edition):
    (a,) = seat(edition, 1, email="anna@example.org")
    (nomination,) = eligible(edition)
    nomination.startup_name = "Conflicted AB"
    nomination.save()
    conflict(a, nomination)

    response = organiser_client.post(
        url("assignments_change", edition), {"change": f"add:{nomination.pk}:{a.pk}"}, follow=True
    )

    assert "Juror A has a conflict of interest with Conflicted AB and cannot be assigned to it." in messages_of(
        response
    )
    assert not Assignment.objects.exists()
    assert actions("jury.assignment") == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("add:{n}:{stranger}", "not on the jury"),
        ("add:{other_edition}:{a}", "not part of this edition"),
        ("remove:{n}:{a}", "is not assigned"),
        ("add:{ineligible}:{a}", "is not eligible"),
        ("drop:{n}:{a}", "could not be read"),
    ],
)
def test_changes_that_cannot_be_made_are_refused(organiser_client, edition, change, message):
    (a,) = seat(edition, 1)
    (nomination,) = eligible(edition)
    (ineligible,) = eligible(edition, 1, status=Nomination.Status.INELIGIBLE)
    (elsewhere,) = eligible(EditionFactory())
    stranger = UserFactory()
    posted = change.format(
        n=nomination.pk, stranger=stranger.pk, other_edition=elsewhere.pk, a=a.pk, ineligible=ineligible.pk
    )

    response = organiser_client.post(url("assignments_change", edition), {"change": posted}, follow=True)

    assert any(message in m for m in messages_of(response)), messages_of(response)
    assert not Assignment.objects.exists()


def test_adding_twice_is_refused(organiser_client, edition):
    (a,) = seat(edition, 1)
    (nomination,) = eligible(edition)
    change = {"change": f"add:{nomination.pk}:{a.pk}"}
    organiser_client.post(url("assignments_change", edition), change)

    response = organiser_client.post(url("assignments_change", edition), change, follow=True)

    assert any("already assigned" in m for m in messages_of(response))
    assert Assignment.objects.count() == 1


# Release


def test_release_shows_the_plan_to_the_jury_and_later_changes_are_audited(organiser_client, edition):
    a, b = seat(edition, 2)
    n1, n2 = eligible(edition, 2)
    generate(organiser_client, edition, mode="k", jurors_per_nomination=1, seed=4)

    organiser_client.post(url("assignments_release", edition))

    plan = JuryPlan.objects.get(edition=edition)
    assert plan.released_at is not None
    assert AuditEvent.objects.get(action="jury.plan_released").data["assignments"] == 2
    holder = Assignment.objects.get(nomination=n1).juror
    other = b if holder == a else a
    organiser_client.post(url("assignments_change", edition), {"change": f"add:{n1.pk}:{other.pk}"})
    organiser_client.post(url("assignments_change", edition), {"change": f"remove:{n1.pk}:{holder.pk}"})
    generate(organiser_client, edition, mode="all")
    assert actions("jury.") == [
        "jury.assignments_generated",
        "jury.plan_released",
        "jury.assignment_added",
        "jury.assignment_removed",
        "jury.assignments_generated",
    ]
    assert all(
        e.data["released"] for e in AuditEvent.objects.filter(action__startswith="jury.assignment").order_by("pk")[1:]
    )
    assert plan_of(edition) == {n1.pk: {a.pk, b.pk}, n2.pk: {a.pk, b.pk}}
    page = organiser_client.get(url("assignments", edition)).content.decode()
    assert "Released to the jury" in page
    assert "Release the assignments" not in page


def test_release_without_assignments_or_twice_is_refused(organiser_client, edition):
    seat(edition, 1)
    eligible(edition)

    response = organiser_client.post(url("assignments_release", edition), follow=True)
    assert "There are no assignments to release yet." in messages_of(response)
    generate(organiser_client, edition, mode="all")
    organiser_client.post(url("assignments_release", edition))
    response = organiser_client.post(url("assignments_release", edition), follow=True)

    assert "The assignments are already released." in messages_of(response)
    assert actions("jury.plan_released") == ["jury.plan_released"]


# Progress


def scoring_setup(nominations: int = 3, jurors: int = 3):
    edition = edition_in_scoring()
    people = seat(edition, jurors)
    made = eligible(edition, nominations)
    for i, nomination in enumerate(made):  # the pages sort by name: keep that the order made
        nomination.startup_name = f"Nomination {i:02d} AB"
        nomination.save()
    jury_plan_released(edition)
    return edition, people, made


def card(juror, nomination, status):
    return Scorecard.objects.create(
        juror=juror,
        nomination=nomination,
        status=status,
        submitted_at=timezone.now() if status == "submitted" else None,
    )


def test_progress_matrix_shows_each_state_and_totals(organiser_client):
    edition, (a, b, c), (n1, n2, n3) = scoring_setup()
    for juror in (a, b):
        for nomination in (n1, n2, n3):
            Assignment.objects.create(edition=edition, juror=juror, nomination=nomination)
    card(a, n1, "submitted")
    card(a, n2, "draft")
    conflict(b, n1)
    card(b, n2, "submitted")
    card(b, n3, "submitted")
    conflict(c, n3)  # not assigned, but a conflict on record

    response = organiser_client.get(url("progress", edition))

    rows = {row.juror.pk: row for row in response.context["progress"].rows}
    assert rows[a.pk].states == ["submitted", "draft", "not_started"]
    assert rows[b.pk].states == ["conflict", "submitted", "submitted"]
    assert rows[c.pk].states == ["not_assigned", "not_assigned", "conflict"]
    totals = [(r.assigned, r.submitted, r.drafts, r.not_started, r.conflicts) for r in (rows[a.pk], rows[b.pk])]
    assert totals == [(3, 1, 1, 1, 0), (2, 2, 0, 0, 1)]
    assert response.context["progress"].submitted_per_nomination == [1, 1, 1]
    page = response.content.decode()
    assert "at most once an hour" in page
    assert url("progress_nudge", edition, a.pk) in page
    assert url("progress_nudge", edition, b.pk) not in page  # nothing left to do
    assert url("progress_nudge", edition, c.pk) not in page


def test_progress_runs_the_same_queries_for_3_and_30_nominations(organiser_client, django_assert_num_queries):
    edition, jurors, _made = scoring_setup(nominations=0)

    def add(count):
        for nomination in eligible(edition, count):
            for juror in jurors:
                Assignment.objects.create(edition=edition, juror=juror, nomination=nomination)
            card(jurors[0], nomination, "submitted")
            card(jurors[1], nomination, "draft")
            conflict(jurors[2], nomination)

    address = url("progress", edition)
    add(3)
    organiser_client.get(address)  # warm the session and content types
    with CaptureQueriesContext(connection) as for_three:
        assert organiser_client.get(address).status_code == 200
    add(27)

    with django_assert_num_queries(len(for_three)):
        response = organiser_client.get(address)
    assert len(response.context["progress"].nominations) == 30


def test_assignments_page_runs_the_same_queries_for_3_and_30_nominations(organiser_client, django_assert_num_queries):
    edition = EditionFactory()
    jurors = seat(edition, 4)
    eligible(edition, 3)
    generate(organiser_client, edition, mode="k", jurors_per_nomination=2, seed=1)
    address = url("assignments", edition)
    organiser_client.get(address)
    with CaptureQueriesContext(connection) as for_three:
        organiser_client.get(address)
    expected = len(for_three)  # read now: the next request clears the connection's query log
    eligible(edition, 27)
    generate(organiser_client, edition, mode="k", jurors_per_nomination=2, seed=1)
    conflict(jurors[0], Nomination.objects.filter(edition=edition).first())

    with django_assert_num_queries(expected):
        response = organiser_client.get(address)
    assert len(response.context["table"].rows) == 30


def sent() -> list[OutboundEmail]:
    return list(OutboundEmail.objects.order_by("pk"))


def test_nudge_emails_the_juror_their_unfinished_nominations_once_an_hour(organiser_client, organiser):
    edition, (a, _b, _c), (n1, n2, n3) = scoring_setup()
    for nomination, name in ((n1, "Alpha Bio AB"), (n2, "Beta Med AB"), (n3, "Gamma Lab AB")):
        nomination.startup_name = name
        nomination.save()
        Assignment.objects.create(edition=edition, juror=a, nomination=nomination)
    card(a, n1, "submitted")
    card(a, n2, "draft")
    address = url("progress_nudge", edition, a.pk)

    response = organiser_client.post(address, follow=True)

    assert "Reminder sent." in messages_of(response)
    (email,) = sent()
    assert email.recipients == [a.email]
    body = email.message["body"]
    assert "Beta Med AB" in body and "Gamma Lab AB" in body
    assert "Alpha Bio AB" not in body
    event = AuditEvent.objects.get(action="jury.juror_nudged")
    assert event.data == {"juror": a.pk, "nominations": [n2.pk, n3.pk]}

    again = organiser_client.post(address, follow=True)
    assert any("less than an hour ago" in m for m in messages_of(again))
    assert len(sent()) == 1
    assert "Reminded; again from" in again.content.decode()

    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        organiser_client.force_login(organiser)  # an hour idle ends the session
        organiser_client.post(address)
    assert len(sent()) == 2
    assert ReminderSent.objects.filter(juror=a, kind__startswith="nudge:").count() == 2


def test_nudge_is_refused_when_nothing_is_left_or_the_plan_is_not_released(organiser_client):
    edition, (a, b, _c), (n1, *_rest) = scoring_setup()
    Assignment.objects.create(edition=edition, juror=a, nomination=n1)
    card(a, n1, "submitted")
    Assignment.objects.create(edition=edition, juror=b, nomination=n1)
    conflict(b, n1)

    for juror in (a, b):
        response = organiser_client.post(url("progress_nudge", edition, juror.pk), follow=True)
        assert any("nothing left to score" in m for m in messages_of(response))
    JuryPlan.objects.filter(edition=edition).update(released_at=None)
    Assignment.objects.create(edition=edition, juror=_c, nomination=n1)
    response = organiser_client.post(url("progress_nudge", edition, _c.pk), follow=True)
    assert "Release the assignments before reminding jurors." in messages_of(response)
    stranger = UserFactory()
    response = organiser_client.post(url("progress_nudge", edition, stranger.pk), follow=True)
    assert "This person is not on the jury of this edition." in messages_of(response)
    assert sent() == []
    assert not AuditEvent.objects.filter(action="jury.juror_nudged").exists()
