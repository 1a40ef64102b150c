"""Tally runs are stored once per distinct input."""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from core.models import AuditEvent
from jury.models import Score
from jury.verdict.models import TallyRun
from jury.verdict.services.tally import editions_to_tally, result_digest, tally_closed_editions, tally_run
from jury.verdict.tally import compute_tally, tally_input_digest
from tests.verdict.tally_setup import scored_edition

SCORES = {"J-A": {0: [5, 4], 1: [2, 3]}, "J-B": {0: [3, 3], 1: [4, 4]}}


def make():
    return scored_edition(rubric=[("1.00", 1, 5), ("2.00", 1, 5)], nominations=2, scores=SCORES)


@pytest.mark.django_db
def test_same_input_gives_the_same_digests_and_one_row():
    scored = make()
    first = tally_run(edition=scored.edition, trigger="schedule")
    second = tally_run(edition=scored.edition, trigger="organiser")
    assert second.pk == first.pk
    assert TallyRun.objects.filter(edition=scored.edition).count() == 1
    assert first.input_digest == tally_input_digest(scored.edition)
    assert first.result_digest == result_digest(compute_tally(scored.edition))
    assert AuditEvent.objects.filter(action="tally.run").count() == 1


@pytest.mark.django_db
def test_changed_input_gives_a_new_run():
    scored = make()
    first = tally_run(edition=scored.edition, trigger="schedule")
    Score.objects.filter(scorecard=scored.scorecards[("J-A", 1)]).update(value=1)
    second = tally_run(edition=scored.edition, trigger="schedule")
    assert second.pk != first.pk
    assert second.input_digest != first.input_digest
    assert second.integrity_ok is False


@pytest.mark.django_db
def test_tally_before_scoring_closes_is_refused():
    scored = make()
    scored.edition.scoring_close_at = timezone.now() + timedelta(days=1)
    with pytest.raises(ValidationError):
        tally_run(edition=scored.edition, trigger="organiser")


@pytest.mark.django_db
def test_beat_tallies_closed_editions_once():
    scored = make()
    assert editions_to_tally() == [scored.edition]
    (run_id,) = tally_closed_editions()
    assert editions_to_tally() == []
    assert tally_closed_editions() == []
    assert TallyRun.objects.get().pk == run_id


@pytest.mark.django_db
def test_task_tallies_the_edition():
    from jury.verdict.tasks import tally_edition

    scored = make()
    run_id = tally_edition.delay(edition_id=scored.edition.pk, trigger="organiser").get()
    assert tally_edition.delay(edition_id=scored.edition.pk, trigger="organiser").get() == run_id
    assert TallyRun.objects.get(pk=run_id).trigger == "organiser"


@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_store_one_row():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL")
    scored = make()
    barrier = threading.Barrier(4)
    ids, errors = [], []

    def worker():
        try:
            barrier.wait()
            ids.append(tally_run(edition=scored.edition, trigger="schedule").pk)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(set(ids)) == 1
    assert TallyRun.objects.filter(edition=scored.edition).count() == 1


@pytest.mark.django_db
def test_result_is_stored_as_its_canonical_json_whose_digest_is_the_result_digest():
    """The row holds the result's canonical JSON byte for byte (on PostgreSQL it is written in pieces),
    and result_digest is that text's SHA-256."""
    import hashlib

    from jury.chain import canonical_json, canonical_pieces

    scored = make()
    run = tally_run(edition=scored.edition, trigger="schedule")
    with connection.cursor() as cursor:
        cursor.execute("SELECT result FROM verdict_tallyrun WHERE id = %s", [run.pk])
        (text,) = cursor.fetchone()
    assert text.encode() == canonical_json(run.result) == b"".join(canonical_pieces(run.result))
    assert hashlib.sha256(text.encode()).hexdigest() == run.result_digest
    assert TallyRun.objects.get(pk=run.pk).result == run.result


def test_canonical_pieces_join_to_the_canonical_json():
    from jury.chain import canonical_json, canonical_pieces

    for value in [{}, {"a": []}, {"b": [1, {"z": 'å\\"\n', "a": None}], "a": {"y": [2]}, "c": "x"}]:
        assert b"".join(canonical_pieces(value)) == canonical_json(value)
