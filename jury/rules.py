"""Jury permissions. Juror and chair predicates (membership, assignment, conflicts) join these
when jury membership is modelled; until then only organisers manage the jury."""

import rules

from accounts.rules import has_mfa, is_organiser

rules.add_perm("jury.manage_jury", is_organiser & has_mfa)
