import rules
from django.utils import timezone

from accounts.rules import is_organiser


@rules.predicate
def rubric_is_editable(user, edition) -> bool:
    return edition is not None and edition.rubric_is_editable_at(timezone.now())


rules.add_perm("awards.manage_edition", is_organiser)
rules.add_perm("awards.change_rubric", is_organiser & rubric_is_editable)
rules.add_perm("awards.view_audit_log", is_organiser)
