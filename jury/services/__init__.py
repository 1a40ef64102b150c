"""Writes of the jury app, one module per concern: scoring, invitations, conflicts, assignments."""
