"""Who may do what with a nomination. Applicant predicates take the nomination as the object."""

import rules

from accounts.rules import is_organiser, is_verified


@rules.predicate
def is_nomination_owner(user, nomination) -> bool:
    return nomination is not None and user.is_authenticated and nomination.submitted_by_id == user.pk


rules.add_perm("nominations.start_nomination", is_verified)
rules.add_perm("nominations.view_nomination", is_nomination_owner | is_organiser)
rules.add_perm("nominations.screen_nomination", is_organiser)
