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


def canonical_pieces(value: dict):
    """The canonical JSON of an object in pieces (bytes) that join to `canonical_json(value)`: a list
    that is the value of a top-level key comes an element at a time, so a large document need never be
    held whole as text."""
    yield b"{"
    for i, key in enumerate(sorted(value)):
        yield (b"," if i else b"") + canonical_json(key) + b":"
        item = value[key]
        if isinstance(item, list) and item:
            yield b"["
            for j, element in enumerate(item):
                yield (b"," if j else b"") + canonical_json(element)
            yield b"]"
        else:
            yield canonical_json(item)
    yield b"}"
