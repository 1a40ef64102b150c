"""A scoring edition with a rubric, a released plan and a juror who has answered the conflict question
for the nominations assigned to them: the starting point of most juror tests."""

from dataclasses import dataclass

from awards.models import Criterion, Edition
from nominations.models import Nomination
from tests.factories import (
    SubmittedNominationFactory,
    assignment_for,
    edition_in_scoring,
    juror_with_mfa,
    jury_plan_released,
    rubric_for,
)


@dataclass
class Jury:
    edition: Edition
    criteria: list[Criterion]
    juror: object
    nominations: list[Nomination]

    @property
    def nomination(self) -> Nomination:
        return self.nominations[0]

    def all_scores(self, value: int = 3) -> dict[str, str]:
        return {f"score_{c.pk}": str(value) for c in self.criteria}


def scoring_jury(*, nominations: int = 1, criteria: int = 3, edition: Edition | None = None, **juror_fields) -> Jury:
    edition = edition or edition_in_scoring()
    rubric = rubric_for(edition, criteria=criteria)
    jury_plan_released(edition)
    juror = juror_with_mfa(edition=edition, **juror_fields)
    made = []
    for position in range(nominations):
        nomination = SubmittedNominationFactory(edition=edition, status=Nomination.Status.ELIGIBLE)
        assignment_for(juror, nomination, position=position)
        made.append(nomination)
    return Jury(edition=edition, criteria=rubric, juror=juror, nominations=made)
