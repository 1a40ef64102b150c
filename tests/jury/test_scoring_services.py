"""scorecard_save and scorecard_reopen: values inside the rubric, the deadline to the second, reopening,
the audit log, and simultaneous submits."""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import translation

from core.models import AppendOnlyError, AuditEvent
from jury.chain import GENESIS, event_hash
from jury.models import ConflictDeclaration, JuryMember, Score, Scorecard, ScoreEvent
from jury.services.scoring import ScoringClosed, scorecard_reopen, scorecard_save
from tests.factories import CriterionFactory, EditionFactory, UserFactory
from tests.jury.juror_setup import scoring_jury

pytestmark = pytest.mark.django_db


@pytest.fixture
def jury():
    return scoring_jury()


def values(jury, *scores) -> dict[int, object]:
    return {c.pk: v for c, v in zip(jury.criteria, scores, strict=True)}


def test_draft_keeps_partial_scores_and_comment(jury):
    first, second, _third = jury.criteria

    card = scorecard_save(
        actor=jury.juror, nomination=jury.nomination, values={first.pk: "4", second.pk: 2}, comment="Strong team."
    )

    assert (card.status, card.comment, card.submitted_at) == ("draft", "Strong team.", None)
    assert dict(card.scores.values_list("criterion_id", "value")) == {first.pk: 4, second.pk: 2}


def test_saving_again_replaces_the_scores(jury):
    first, second, _third = jury.criteria
    scorecard_save(actor=jury.juror, nomination=jury.nomination, values={first.pk: 4, second.pk: 2})

    card = scorecard_save(actor=jury.juror, nomination=jury.nomination, values={first.pk: 5, second.pk: ""})

    assert dict(card.scores.values_list("criterion_id", "value")) == {first.pk: 5}
    assert Scorecard.objects.count() == 1


@pytest.mark.parametrize("bad", [0, 6, "6", "-1", "abc", "3.5", "3.0", "+3", "03", " ", True, [3], "1e1"])
def test_a_value_outside_the_scale_or_not_a_whole_number_is_refused(jury, bad):
    first = jury.criteria[0]

    with pytest.raises(ValidationError) as caught:
        scorecard_save(actor=jury.juror, nomination=jury.nomination, values={first.pk: bad})

    assert f"score_{first.pk}" in caught.value.message_dict
    assert Scorecard.objects.count() == 0
    assert Score.objects.count() == 0


def test_one_wrong_value_saves_nothing_of_the_others(jury):
    first, second, _third = jury.criteria
    scorecard_save(actor=jury.juror, nomination=jury.nomination, values={first.pk: 2}, comment="before")

    with pytest.raises(ValidationError):
        scorecard_save(actor=jury.juror, nomination=jury.nomination, values={first.pk: 5, second.pk: 9}, comment="x")

    card = Scorecard.objects.get()
    assert (card.comment, dict(card.scores.values_list("criterion_id", "value"))) == ("before", {first.pk: 2})


def test_a_criterion_of_another_edition_is_refused(jury):
    foreign = CriterionFactory(edition=EditionFactory())

    with translation.override("en"), pytest.raises(ValidationError) as caught:
        scorecard_save(actor=jury.juror, nomination=jury.nomination, values={**values(jury, 3, 3, 3), foreign.pk: 3})

    assert caught.value.message_dict["__all__"] == ["The form contained a score for an unknown criterion."]
    assert Scorecard.objects.count() == 0


def test_submit_needs_every_criterion(jury):
    first, second, third = jury.criteria

    with pytest.raises(ValidationError) as caught:
        scorecard_save(actor=jury.juror, nomination=jury.nomination, values={first.pk: 3, second.pk: 3}, submit=True)

    assert set(caught.value.message_dict) == {f"score_{third.pk}"}
    assert Scorecard.objects.count() == 0


def test_submit_records_the_time_and_refuses_later_changes(jury):
    card = scorecard_save(actor=jury.juror, nomination=jury.nomination, values=values(jury, 1, 3, 5), submit=True)

    assert card.status == "submitted" and card.submitted_at is not None
    with pytest.raises(ValidationError) as caught:
        scorecard_save(actor=jury.juror, nomination=jury.nomination, values=values(jury, 5, 5, 5))
    assert caught.value.code == "already_submitted"
    assert sorted(Score.objects.values_list("value", flat=True)) == [1, 3, 5]


def test_reopen_then_resubmit(jury):
    scorecard_save(actor=jury.juror, nomination=jury.nomination, values=values(jury, 1, 3, 5), submit=True)

    reopened = scorecard_reopen(actor=jury.juror, nomination=jury.nomination)
    assert (reopened.status, reopened.submitted_at) == ("draft", None)
    card = scorecard_save(actor=jury.juror, nomination=jury.nomination, values=values(jury, 2, 2, 2), submit=True)

    assert card.status == "submitted"
    assert sorted(card.scores.values_list("value", flat=True)) == [2, 2, 2]


def test_only_a_submitted_scorecard_can_be_reopened(jury):
    scorecard_save(actor=jury.juror, nomination=jury.nomination, values=values(jury, 1, 3, 5))

    with pytest.raises(ValidationError) as caught:
        scorecard_reopen(actor=jury.juror, nomination=jury.nomination)

    assert caught.value.code == "not_submitted"


def test_one_second_before_the_deadline_is_accepted(jury):
    with time_machine.travel(jury.edition.scoring_close_at - timedelta(seconds=1), tick=False):
        card = scorecard_save(actor=jury.juror, nomination=jury.nomination, values=values(jury, 4, 4, 4), submit=True)

    assert card.status == "submitted"


@pytest.mark.parametrize("after", [timedelta(0), timedelta(seconds=1)])
def test_at_or_after_the_deadline_is_refused(jury, after):
    with time_machine.travel(jury.edition.scoring_close_at + after, tick=False), pytest.raises(ScoringClosed):
        scorecard_save(actor=jury.juror, nomination=jury.nomination, values=values(jury, 4, 4, 4))

    assert Scorecard.objects.count() == 0


def test_before_scoring_opens_nothing_is_saved(jury):
    with (
        time_machine.travel(jury.edition.scoring_open_at - timedelta(seconds=1), tick=False),
        pytest.raises(ScoringClosed),
    ):
        scorecard_save(actor=jury.juror, nomination=jury.nomination, values=values(jury, 4, 4, 4))

    assert Scorecard.objects.count() == 0


def test_reopen_after_the_deadline_is_refused(jury):
    scorecard_save(actor=jury.juror, nomination=jury.nomination, values=values(jury, 1, 3, 5), submit=True)

    with (
        time_machine.travel(jury.edition.scoring_close_at + timedelta(seconds=1), tick=False),
        pytest.raises(ScoringClosed),
    ):
        scorecard_reopen(actor=jury.juror, nomination=jury.nomination)

    assert Scorecard.objects.get().status == "submitted"


def test_a_conflicted_juror_cannot_score(jury):
    ConflictDeclaration.objects.filter(juror=jury.juror).update(has_conflict=True, kind="investor")

    with pytest.raises(PermissionDenied):
        scorecard_save(actor=jury.juror, nomination=jury.nomination, values=values(jury, 4, 4, 4))

    assert Scorecard.objects.count() == 0


def test_someone_not_assigned_cannot_score(jury):
    with pytest.raises(PermissionDenied):
        scorecard_save(actor=UserFactory(), nomination=jury.nomination, values=values(jury, 4, 4, 4))

    assert Scorecard.objects.count() == 0


def test_each_save_submit_and_reopen_is_audited_with_the_values(jury):
    first, second, third = jury.criteria
    scorecard_save(actor=jury.juror, nomination=jury.nomination, values={first.pk: 2}, comment="Draft note")
    scorecard_save(actor=jury.juror, nomination=jury.nomination, values=values(jury, 2, 3, 4), submit=True)
    card = scorecard_reopen(actor=jury.juror, nomination=jury.nomination)

    events = list(AuditEvent.objects.filter(object_id=str(card.pk)).order_by("id"))

    assert [e.action for e in events] == ["scorecard.saved", "scorecard.submitted", "scorecard.reopened"]
    assert all(e.actor == jury.juror for e in events)
    assert events[0].data == {
        "nomination": jury.nomination.pk,
        "scores": {str(first.pk): 2},
        "comment": "Draft note",
    }
    assert events[1].data["scores"] == {str(first.pk): 2, str(second.pk): 3, str(third.pk): 4}
    chain = list(ScoreEvent.objects.filter(scorecard=card).order_by("seq"))
    assert events[1].data["receipt"] == chain[0].hash
    assert events[2].data == {"nomination": jury.nomination.pk, "chain_event": chain[1].hash}


def test_submissions_and_reopenings_form_a_hash_chain_of_the_edition(jury, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        card = scorecard_save(actor=jury.juror, nomination=jury.nomination, values=values(jury, 2, 3, 4), submit=True)
    scorecard_reopen(actor=jury.juror, nomination=jury.nomination)
    again = scorecard_save(actor=jury.juror, nomination=jury.nomination, values=values(jury, 5, 3, 4), submit=True)

    chain = list(ScoreEvent.objects.filter(edition=jury.nomination.edition).order_by("seq"))
    assert [(e.seq, e.kind) for e in chain] == [(1, "submitted"), (2, "reopened"), (3, "submitted")]
    assert chain[0].prev_hash == GENESIS
    for previous, event in zip([None, *chain], chain, strict=False):
        assert event.prev_hash == (previous.hash if previous else GENESIS)
        assert event.hash == event_hash(event.prev_hash, event.payload)
    first, second, third = jury.criteria
    assert chain[2].payload["scores"] == {str(first.pk): 5, str(second.pk): 3, str(third.pk): 4}
    code = JuryMember.objects.get(edition=jury.nomination.edition, user=jury.juror).code
    assert chain[0].payload["juror"] == code and code.startswith("J-")
    assert card.receipt == chain[0].hash and again.receipt == chain[2].hash

    receipt_mail = [m for m in mail.outbox if chain[0].hash in m.body]
    assert len(receipt_mail) == 1 and receipt_mail[0].to == [jury.juror.email]
    assert jury.nomination.startup_name in receipt_mail[0].subject


def test_chain_events_cannot_be_changed_or_removed(jury):
    scorecard_save(actor=jury.juror, nomination=jury.nomination, values=values(jury, 2, 3, 4), submit=True)
    event = ScoreEvent.objects.get()

    event.payload["scores"] = {}
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_submits_leave_one_scorecard_and_one_set_of_scores():
    if connection.vendor != "postgresql":
        pytest.skip("row locks and concurrent inserts are exercised on PostgreSQL")
    jury = scoring_jury()
    barrier = threading.Barrier(20)
    outcomes = []
    lock = threading.Lock()

    def submit(n):
        try:
            barrier.wait()
            scorecard_save(
                actor=jury.juror, nomination=jury.nomination, values=values(jury, 1 + n % 5, 3, 3), submit=True
            )
            result = "submitted"
        except ValidationError as error:
            result = error.code
        except Exception as error:  # any other failure is what the test reports
            result = repr(error)
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["already_submitted"] * 19 + ["submitted"]
    card = Scorecard.objects.get(juror=jury.juror, nomination=jury.nomination)
    assert card.status == "submitted"
    assert sorted(card.scores.values_list("criterion_id", flat=True)) == sorted(c.pk for c in jury.criteria)
    assert Score.objects.count() == len(jury.criteria)
