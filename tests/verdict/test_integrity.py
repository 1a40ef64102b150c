"""Changes made behind the services' back (straight in the database) are found and named."""

import pytest
from django.db import connection

from jury.models import Score, Scorecard, ScoreEvent
from jury.verdict.integrity import integrity_problems
from jury.verdict.services.tally import tally_run
from tests.verdict.tally_setup import scored_edition

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored():
    return scored_edition(
        rubric=[("1.00", 1, 5), ("2.00", 1, 5)],
        nominations=2,
        scores={"J-A": {0: [5, 4], 1: [2, 3]}, "J-B": {0: [3, 3], 1: [4, 4]}},
    )


def codes(problems):
    return sorted(p["code"] for p in problems)


def test_untouched_edition_has_no_problems(scored):
    assert integrity_problems(scored.edition) == []
    run = tally_run(edition=scored.edition, trigger="schedule")
    assert (run.integrity_ok, run.problems) == (True, [])


def test_score_changed_in_the_database_is_found(scored):
    card = scored.scorecards[("J-B", 1)]
    c1, c2 = scored.criteria
    Score.objects.filter(scorecard=card, criterion=c1).update(value=5)
    (problem,) = integrity_problems(scored.edition)
    assert problem["code"] == "scores_differ"
    assert problem["scorecard"] == card.pk
    assert problem["database"] == f"{c1.pk}:5,{c2.pk}:4"
    assert problem["chain"] == f"{c1.pk}:4,{c2.pk}:4"
    run = tally_run(edition=scored.edition, trigger="schedule")
    assert run.integrity_ok is False
    assert codes(run.problems) == ["scores_differ"]


def test_score_deleted_or_added_in_the_database_is_found(scored):
    card = scored.scorecards[("J-A", 0)]
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM jury_score WHERE scorecard_id = %s AND criterion_id = %s", [card.pk, scored.criteria[0].pk]
        )
    assert codes(integrity_problems(scored.edition)) == ["scores_differ"]


def test_scorecard_flipped_to_submitted_without_an_event_is_found(scored):
    from django.utils import timezone

    # A draft scorecard on a third nomination, flipped to submitted without the service (no event).
    from nominations.models import Nomination

    nomination = Nomination.objects.create(
        edition=scored.edition, startup_name="Late AB", status="eligible", submitted_at=timezone.now()
    )
    draft = Scorecard.objects.create(juror=scored.jurors["J-A"], nomination=nomination)
    Score.objects.create(scorecard=draft, criterion=scored.criteria[0], value=5)
    assert integrity_problems(scored.edition) == []
    Scorecard.objects.filter(pk=draft.pk).update(status="submitted", submitted_at=timezone.now())
    (problem,) = integrity_problems(scored.edition)
    assert (problem["code"], problem["scorecard"]) == ("submitted_without_event", draft.pk)


def test_submitted_scorecard_set_back_to_draft_is_found(scored):
    card = scored.scorecards[("J-A", 1)]
    Scorecard.objects.filter(pk=card.pk).update(status="draft", submitted_at=None)
    (problem,) = integrity_problems(scored.edition)
    assert (problem["code"], problem["scorecard"]) == ("submission_missing", card.pk)


def test_event_payload_edited_is_found(scored):
    event = ScoreEvent.objects.get(edition=scored.edition, seq=2)
    payload = {**event.payload, "scores": {k: 5 for k in event.payload["scores"]}}
    ScoreEvent.objects.filter(pk=event.pk).update(payload=payload)
    problems = integrity_problems(scored.edition)
    assert codes(problems) == ["chain_hash_mismatch", "scores_differ"]
    assert problems[0]["seq"] == 2


def test_broken_prev_hash_link_is_found(scored):
    ScoreEvent.objects.filter(edition=scored.edition, seq=3).update(prev_hash="f" * 64)
    problems = integrity_problems(scored.edition)
    assert codes(problems) == ["chain_hash_mismatch", "chain_link_broken"]
    assert {p["seq"] for p in problems} == {3}


def test_deleted_event_is_found(scored):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM jury_scoreevent WHERE edition_id = %s AND seq = 2", [scored.edition.pk])
    assert codes(integrity_problems(scored.edition)) == [
        "chain_gap",
        "chain_link_broken",
        "submitted_without_event",
    ]


def test_scores_on_a_criterion_outside_the_rubric_are_found(scored):
    """A score row added in the database for another edition's criterion: the fast comparison cannot
    see it in the fragment, so it is compared in full."""
    from awards.models import Criterion
    from tests.verdict.tally_setup import scored_edition as other_edition

    stranger = Criterion.objects.filter(
        edition=other_edition(rubric=[("1.00", 1, 5)], nominations=1, scores={}).edition
    )
    card = scored.scorecards[("J-A", 1)]
    Score.objects.create(scorecard=card, criterion=stranger.get(), value=3)
    (problem,) = integrity_problems(scored.edition)
    assert (problem["code"], problem["scorecard"]) == ("scores_differ", card.pk)


def test_event_rows_number_changed_is_found(scored):
    """The row says another scorecard than its payload (the hash still matches the payload)."""
    event = ScoreEvent.objects.get(edition=scored.edition, seq=1)
    other = scored.scorecards[("J-B", 1)]
    ScoreEvent.objects.filter(pk=event.pk).update(scorecard=other)
    assert "chain_event_mismatch" in codes(integrity_problems(scored.edition))


def test_payload_is_stored_as_the_hashed_text(scored):
    """The database holds exactly the bytes that were hashed, so it can check the hash itself."""
    import hashlib

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT prev_hash, payload, hash FROM jury_scoreevent WHERE edition_id = %s ORDER BY seq",
            [scored.edition.pk],
        )
        rows = cursor.fetchall()
    assert rows
    for prev_hash, text, digest in rows:
        assert hashlib.sha256(f"{prev_hash}\n{text}".encode()).hexdigest() == digest


@pytest.mark.django_db(transaction=True)
def test_check_beside_the_tally_on_its_own_connection_finds_the_problems():
    """Outside any transaction (as in the worker) on PostgreSQL, the check runs on a second connection in
    the tally's snapshot; it finds what the check in the same connection finds."""
    if connection.vendor != "postgresql":
        pytest.skip("the check runs beside the tally only on PostgreSQL")
    scored = scored_edition(
        rubric=[("1.00", 1, 5), ("2.00", 1, 5)],
        nominations=2,
        scores={"J-A": {0: [5, 4], 1: [2, 3]}, "J-B": {0: [3, 3], 1: [4, 4]}},
    )
    run = tally_run(edition=scored.edition, trigger="schedule")
    assert (run.integrity_ok, run.problems) == (True, [])

    card = scored.scorecards[("J-B", 1)]
    Score.objects.filter(scorecard=card, criterion=scored.criteria[0]).update(value=1)
    ScoreEvent.objects.filter(edition=scored.edition, seq=3).update(prev_hash="f" * 64)
    from jury.verdict.tally import run_tally

    output = run_tally(scored.edition, integrity=True)
    assert output.integrity_beside is True
    assert output.problems == integrity_problems(scored.edition)
    assert codes(output.problems) == ["chain_hash_mismatch", "chain_link_broken", "scores_differ"]
    run = tally_run(edition=scored.edition, trigger="schedule")
    assert run.integrity_ok is False
    # The same input again: the stored run is found at once and the check beside it is dropped.
    assert tally_run(edition=scored.edition, trigger="schedule").pk == run.pk
