"""Writes of the verdict: tallies (tally.py), deliberation (deliberation.py), announcements (announcement.py)."""
