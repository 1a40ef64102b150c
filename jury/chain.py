"""The scorecard hash chain of an edition.

Every submission (and every reopening) of a scorecard is an event. An event's hash is the SHA-256 of
the previous event's hash, a newline, and the event as canonical JSON (keys sorted, no spaces, UTF-8).
The first event of an edition follows GENESIS. Changing, removing, inserting or reordering any event
changes every hash after it, so a juror's receipt (the hash of their submission) and the chain head
stored with each tally pin the scores down. The standalone verifier (jury/verdict/verify_bundle.py)
implements the same rules with the standard library only.
"""

import hashlib
import json

GENESIS = "0" * 64


def canonical_json(value) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def event_hash(prev_hash: str, payload: dict) -> str:
    return hashlib.sha256(prev_hash.encode() + b"\n" + canonical_json(payload)).hexdigest()


class CanonicalDict(dict):
    """A JSON object serialised once: `canonical` holds its canonical JSON, for its digest and for
    storing it (jury.models.CanonicalJSONField writes it as is). A snapshot: not to be changed after."""

    def __init__(self, value: dict):
        super().__init__(value)
        self.canonical = canonical_json(value)

    def digest(self) -> str:
        return hashlib.sha256(self.canonical).hexdigest()
