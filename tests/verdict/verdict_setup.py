"""An edition after scoring with a tally, a chair, a plain juror, an organiser and nominees writing in
either language: the starting point of the deliberation and announcement tests."""

from dataclasses import dataclass

from awards.models import Edition
from jury.verdict.models import TallyRun
from nominations.models import Nomination
from tests.factories import OrganiserFactory, SubmittedNominationFactory, UserFactory, juror_with_mfa

from .tally_doc import edition_after_scoring, make_tally_run


@dataclass
class Deliberation:
    edition: Edition
    tally: TallyRun
    nominations: list[Nomination]  # in ranking order: first place first
    ineligible: Nomination
    chair: object
    juror: object
    organiser: object

    @property
    def first(self) -> Nomination:
        return self.nominations[0]

    @property
    def second(self) -> Nomination:
        return self.nominations[1]


def deliberation(*, ranked: int = 4, chair_tie: int = 0, **edition_fields) -> Deliberation:
    edition = edition_after_scoring(**edition_fields)
    languages = ["sv", "en"]
    nominations = [
        SubmittedNominationFactory(
            edition=edition,
            status=Nomination.Status.ELIGIBLE,
            language=languages[i % 2],
            submitted_by=UserFactory(email=f"founder{i}-{edition.year}@startup.example"),
        )
        for i in range(ranked)
    ]
    ineligible = SubmittedNominationFactory(
        edition=edition, status=Nomination.Status.INELIGIBLE, ineligible_reason="Not from Flemingsberg."
    )
    tally = make_tally_run(edition, nominations, chair_tie=nominations[:chair_tie])
    chair = juror_with_mfa(edition=edition, role="chair", email=f"chair-{edition.year}@jury.example")
    juror = juror_with_mfa(edition=edition, email=f"juror-{edition.year}@jury.example")
    organiser = OrganiserFactory(email=f"organiser-{edition.year}@foundation.example")
    return Deliberation(
        edition=edition,
        tally=tally,
        nominations=nominations,
        ineligible=ineligible,
        chair=chair,
        juror=juror,
        organiser=organiser,
    )
