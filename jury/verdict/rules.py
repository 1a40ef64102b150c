"""Who may see and decide what in the verdict. After scoring closes the jury chair (with two-factor
authentication) and the organisers see the results; organisers run tallies, approve the winner and
publish the announcement; the chair settles ties the edition's rules leave to the chair; both mark
finalists. Once the announcement is published the decisions are final. Anyone else gets a 404."""

import rules

from accounts.rules import has_mfa, is_organiser
from jury.rules import edition_scoring_closed, is_chair


@rules.predicate
def announcement_published(user, edition) -> bool:
    from .models import Announcement

    return edition is not None and Announcement.objects.filter(edition=edition, published_at__isnull=False).exists()


is_chair_with_mfa = is_chair & has_mfa
deliberation_open = edition_scoring_closed & ~announcement_published

rules.add_perm("verdict.view_results", (is_chair_with_mfa | is_organiser) & edition_scoring_closed)
rules.add_perm("verdict.run_tally", is_organiser & edition_scoring_closed)
rules.add_perm("verdict.download_bundle", is_organiser & edition_scoring_closed)
rules.add_perm("verdict.mark_finalists", (is_chair_with_mfa | is_organiser) & deliberation_open)
rules.add_perm("verdict.decide_tie", is_chair_with_mfa & deliberation_open)
rules.add_perm("verdict.approve_winner", is_organiser & deliberation_open)
rules.add_perm("verdict.edit_announcement", is_organiser & deliberation_open)
