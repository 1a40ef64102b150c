"""The data the reliability tests run the tally, the announcement and the reminders on."""

from datetime import timedelta

from django.utils import timezone

from jury.verdict.models import Announcement
from jury.verdict.services.deliberation import finalists_set, winner_approve
from tests.verdict.tally_setup import scored_edition
from tests.verdict.verdict_setup import deliberation


def small_scored_edition():
    """Scoring closed yesterday: three jurors have scored four nominations on three criteria."""
    return scored_edition(
        rubric=[(1, 1, 5), (2, 1, 5), (1, 0, 10)],
        nominations=4,
        scores={
            "J1": {0: [5, 4, 9], 1: [3, 3, 5], 2: [4, 5, 7], 3: [1, 2, 3]},
            "J2": {0: [4, 4, 8], 1: [5, 2, 6], 2: [3, 4, 7], 3: [2, 2, 2]},
            "J3": {0: [5, 5, 10], 1: [2, 3, 4], 2: [4, 4, 6], 3: [1, 1, 1]},
        },
    )


def due_announcement(**edition_fields) -> tuple[Announcement, list[str]]:
    """An announcement whose time has come, the winner and a finalist approved; and the six addresses
    that must hear the outcome (four eligible nominees, the chair and a juror)."""
    d = deliberation(**edition_fields)
    finalists_set(actor=d.organiser, edition=d.edition, nomination_ids=[d.first.pk, d.second.pk])
    winner_approve(actor=d.organiser, edition=d.edition, winner_id=d.first.pk)
    announcement = Announcement.objects.create(
        edition=d.edition,
        text_sv="Vinnaren är utsedd.",
        text_en="The winner is chosen.",
        publish_at=timezone.now() - timedelta(seconds=5),
    )
    recipients = sorted([n.submitted_by.email for n in d.nominations] + [d.chair.email, d.juror.email])
    return announcement, recipients
