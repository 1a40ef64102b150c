"""Deliberation services: finalists, the chair's tie decisions and the winner's approval; who may do
each, the reason needed for another winner than first place, the audit log, and finality once the
announcement is out."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.utils import timezone

from core.models import AuditEvent
from jury.verdict.models import Announcement, Finalist, TieDecision, WinnerApproval
from jury.verdict.services.deliberation import finalists_set, tie_decide, winner_approve
from nominations.models import Nomination
from tests.factories import UserFactory

from .tally_doc import make_tally_run
from .verdict_setup import deliberation

pytestmark = pytest.mark.django_db


@pytest.fixture
def d():
    return deliberation()


def test_organiser_approves_first_place_without_a_reason(d):
    approval = winner_approve(actor=d.organiser, edition=d.edition, winner_id=d.first.pk)

    assert (approval.winner, approval.first_place, approval.reason) == (d.first, d.first, "")
    assert approval.tally_run == d.tally
    event = AuditEvent.objects.get(action="verdict.winner_approved")
    assert event.data["winner"] == d.first.pk
    assert event.data["first_place"] == d.first.pk


def test_another_winner_than_first_place_needs_a_reason(d):
    with pytest.raises(ValidationError) as error:
        winner_approve(actor=d.organiser, edition=d.edition, winner_id=d.second.pk, reason="  ")

    assert "reason" in error.value.error_dict
    assert not WinnerApproval.objects.exists()


def test_another_winner_with_a_reason_is_approved_and_the_reason_audited(d):
    approval = winner_approve(
        actor=d.organiser, edition=d.edition, winner_id=d.second.pk, reason="First place has since been sold."
    )

    assert (approval.winner, approval.first_place) == (d.second, d.first)
    assert approval.reason == "First place has since been sold."
    event = AuditEvent.objects.get(action="verdict.winner_approved")
    assert event.data["reason"] == "First place has since been sold."
    assert event.actor == d.organiser


def test_the_database_refuses_another_winner_without_a_reason(d):
    with pytest.raises(IntegrityError):
        WinnerApproval.objects.create(
            edition=d.edition, tally_run=d.tally, winner=d.second, first_place=d.first, reason=""
        )


def test_approving_again_replaces_the_approval(d):
    winner_approve(actor=d.organiser, edition=d.edition, winner_id=d.second.pk, reason="Because.")
    winner_approve(actor=d.organiser, edition=d.edition, winner_id=d.first.pk)

    approval = WinnerApproval.objects.get()
    assert (approval.winner, approval.reason) == (d.first, "")


def test_a_nomination_outside_the_tally_cannot_win(d):
    with pytest.raises(ValidationError) as error:
        winner_approve(actor=d.organiser, edition=d.edition, winner_id=d.ineligible.pk, reason="Why not.")

    assert "winner" in error.value.error_dict


def test_the_chair_and_a_juror_cannot_approve(d):
    for user in (d.chair, d.juror, UserFactory()):
        with pytest.raises(PermissionDenied):
            winner_approve(actor=user, edition=d.edition, winner_id=d.first.pk)


def test_no_approval_before_scoring_closes(d):
    d.edition.scoring_close_at = timezone.now() + timedelta(hours=1)
    d.edition.save()

    with pytest.raises(PermissionDenied):
        winner_approve(actor=d.organiser, edition=d.edition, winner_id=d.first.pk)


def test_no_approval_while_the_chain_does_not_match_the_scores(d):
    make_tally_run(d.edition, d.nominations, integrity_ok=False, digest_salt="changed")

    with pytest.raises(ValidationError) as error:
        winner_approve(actor=d.organiser, edition=d.edition, winner_id=d.first.pk)

    assert error.value.code == "integrity"


def test_a_tie_for_first_place_waits_for_the_chair():
    d = deliberation(chair_tie=2)

    with pytest.raises(ValidationError) as error:
        winner_approve(actor=d.organiser, edition=d.edition, winner_id=d.first.pk)

    assert error.value.code == "undecided"


def test_the_chair_decides_the_tie_and_first_place_follows_the_decision():
    d = deliberation(chair_tie=2)

    decision = tie_decide(
        actor=d.chair, edition=d.edition, order=[d.second.pk, d.first.pk], reason="Stronger team, same scores."
    )
    approval = winner_approve(actor=d.organiser, edition=d.edition, winner_id=d.second.pk)

    assert decision.order == [d.second.pk, d.first.pk]
    assert decision.tally_run == d.tally
    assert (approval.first_place, approval.reason) == (d.second, "")
    assert AuditEvent.objects.get(action="verdict.tie_decided").data["reason"] == "Stronger team, same scores."


def test_a_tie_decision_needs_a_reason_and_exactly_the_tied_nominations():
    d = deliberation(chair_tie=2)

    with pytest.raises(ValidationError) as no_reason:
        tie_decide(actor=d.chair, edition=d.edition, order=[d.second.pk, d.first.pk], reason="")
    with pytest.raises(ValidationError) as wrong_group:
        tie_decide(actor=d.chair, edition=d.edition, order=[d.nominations[2].pk, d.first.pk], reason="Because.")

    assert "reason" in no_reason.value.error_dict
    assert "order" in wrong_group.value.error_dict
    assert not TieDecision.objects.exists()


def test_only_the_chair_decides_ties():
    d = deliberation(chair_tie=2)

    for user in (d.organiser, d.juror):
        with pytest.raises(PermissionDenied):
            tie_decide(actor=user, edition=d.edition, order=[d.second.pk, d.first.pk], reason="Because.")


def test_a_chair_without_two_factor_authentication_cannot_decide():
    d = deliberation(chair_tie=2)
    d.chair.authenticator_set.all().delete()

    with pytest.raises(PermissionDenied):
        tie_decide(actor=d.chair, edition=d.edition, order=[d.second.pk, d.first.pk], reason="Because.")


def test_finalists_are_set_by_the_chair_or_an_organiser_and_audited(d):
    finalists_set(actor=d.chair, edition=d.edition, nomination_ids=[d.first.pk, d.second.pk])
    finalists_set(actor=d.organiser, edition=d.edition, nomination_ids=[d.second.pk, d.nominations[2].pk])

    assert set(Finalist.objects.values_list("nomination_id", flat=True)) == {d.second.pk, d.nominations[2].pk}
    events = list(AuditEvent.objects.filter(action="verdict.finalists_changed").order_by("pk"))
    assert [e.data["added"] for e in events] == [sorted([d.first.pk, d.second.pk]), [d.nominations[2].pk]]
    assert events[1].data["removed"] == [d.first.pk]


def test_marking_finalists_changes_no_status_before_publication(d):
    finalists_set(actor=d.organiser, edition=d.edition, nomination_ids=[d.first.pk])

    d.first.refresh_from_db()
    assert d.first.status == Nomination.Status.ELIGIBLE


def test_an_ineligible_nomination_cannot_be_a_finalist(d):
    with pytest.raises(ValidationError):
        finalists_set(actor=d.organiser, edition=d.edition, nomination_ids=[d.ineligible.pk])


def test_a_plain_juror_cannot_mark_finalists(d):
    with pytest.raises(PermissionDenied):
        finalists_set(actor=d.juror, edition=d.edition, nomination_ids=[d.first.pk])


def test_after_publication_every_decision_is_final(d):
    Announcement.objects.create(edition=d.edition, text_sv="x", text_en="x", published_at=timezone.now())

    with pytest.raises(PermissionDenied):
        winner_approve(actor=d.organiser, edition=d.edition, winner_id=d.first.pk)
    with pytest.raises(PermissionDenied):
        finalists_set(actor=d.organiser, edition=d.edition, nomination_ids=[d.first.pk])
