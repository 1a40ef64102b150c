import rules

from accounts.rules import is_organiser

rules.add_perm("awards.manage_edition", is_organiser)
rules.add_perm("awards.view_audit_log", is_organiser)
