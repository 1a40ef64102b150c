"""Who may do what with a nomination. Predicates take the nomination (or the edition) as the object.

Juror access is added by the jury app through `can_view_nomination_hooks`: each hook is a predicate
(user, nomination) -> bool, so this module never imports the jury app."""

import rules
from django.utils import timezone

from accounts.rules import is_organiser, is_verified


@rules.predicate
def is_nomination_owner(user, nomination) -> bool:
    return nomination is not None and user.is_authenticated and nomination.submitted_by_id == user.pk


@rules.predicate
def nomination_is_editable(user, nomination) -> bool:
    return (
        nomination is not None
        and nomination.is_open_to_applicant
        and nomination.edition.accepts_nominations_at(timezone.now())
    )


@rules.predicate
def edition_accepts_nominations(user, edition) -> bool:
    return edition is not None and edition.accepts_nominations_at(timezone.now())


can_view_nomination_hooks: list = []


@rules.predicate
def is_granted_by_hook(user, nomination) -> bool:
    return any(hook(user, nomination) for hook in can_view_nomination_hooks)


rules.add_perm("nominations.start_nomination", is_verified & edition_accepts_nominations)
rules.add_perm("nominations.view_nomination", is_nomination_owner | is_organiser | is_granted_by_hook)
rules.add_perm("nominations.change_nomination", is_nomination_owner & nomination_is_editable)
rules.add_perm("nominations.withdraw_nomination", is_nomination_owner & nomination_is_editable)
rules.add_perm("nominations.screen_nomination", is_organiser)
rules.add_perm("nominations.export_nominations", is_organiser)
