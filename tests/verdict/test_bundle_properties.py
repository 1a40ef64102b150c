"""Property-based: the standalone verifier and the database tally agree on random editions, and any
alteration, deletion, insertion or reordering of chain events in an exported bundle is detected."""

import copy
import json
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jury.chain import event_hash
from jury.verdict import verify_bundle
from jury.verdict.bundle import bundle_json, results_bundle
from jury.verdict.services.tally import tally_run
from tests.verdict.tally_setup import scored_edition

pytestmark = pytest.mark.django_db

TIE_BREAKS = ["median,top_criterion,chair", "top_criterion,median,chair", "chair"]


@st.composite
def editions(draw):
    rubric = []
    for _ in range(draw(st.integers(1, 4))):
        low = draw(st.integers(-2, 3))
        cents = draw(st.sampled_from([1, 50, 100, 100, 150, 200, 300, 1000, 2000, 99999]))
        rubric.append((f"{cents // 100}.{cents % 100:02d}", low, low + draw(st.integers(1, 10))))
    nominations = draw(st.integers(1, 6))
    scores = {}
    for j in range(draw(st.integers(1, 6))):
        # Incomplete assignments: each juror scores a random subset; values crowd a few levels for ties.
        scored = draw(st.lists(st.booleans(), min_size=nominations, max_size=nominations))
        by_nom = {}
        for i, yes in enumerate(scored):
            if yes:
                by_nom[i] = [
                    draw(st.integers(lo, min(hi, lo + draw(st.integers(0, hi - lo))))) for _w, lo, hi in rubric
                ]
        if by_nom:
            scores[f"J-{j:08X}"] = by_nom
    return {
        "rubric": rubric,
        "nominations": nominations,
        "scores": scores or {"J-00000000": {0: [lo for _w, lo, _hi in rubric]}},
        "quorum": draw(st.integers(1, 4)),
        "method": draw(st.sampled_from(["raw", "normalised"])),
        "tie_break": draw(st.sampled_from(TIE_BREAKS)),
    }


def exported(spec) -> dict:
    scored = scored_edition(**spec)
    run = tally_run(edition=scored.edition, trigger="schedule")
    return json.loads(bundle_json(results_bundle(run)))


def test_verifier_and_database_tally_agree_on_500_random_editions():
    started = time.monotonic()

    @settings(max_examples=500, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(spec=editions())
    def agree(spec):
        bundle = exported(spec)
        assert verify_bundle.verify(bundle) == []
        assert bundle["tally"]["integrity_ok"] is True

    agree()
    assert time.monotonic() - started < 600


@st.composite
def mutations(draw):
    kind = draw(st.sampled_from(["alter", "delete", "insert", "forge", "reorder"]))
    return kind, draw(st.integers(0, 10**6)), draw(st.integers(0, 10**6)), draw(st.integers(0, 5))


def mutate(bundle: dict, mutation) -> dict:
    kind, a, b, what = mutation
    bundle = copy.deepcopy(bundle)
    chain = bundle["chain"]
    i = a % len(chain)
    if kind == "alter":
        event = chain[i]
        payload = event["payload"]
        if what == 0:
            key = sorted(payload["scores"])[b % len(payload["scores"])]
            payload["scores"][key] += 1
        elif what == 1:
            payload["juror"] = payload["juror"] + "X"
        elif what == 2:
            payload["at"] = payload["at"].replace("2", "3", 1) if "2" in payload["at"] else payload["at"] + "Z"
        elif what == 3:
            payload["nomination"] += 1
        elif what == 4:
            event["prev_hash"] = ("1" if event["prev_hash"][0] != "1" else "2") + event["prev_hash"][1:]
        else:
            event["hash"] = ("1" if event["hash"][0] != "1" else "2") + event["hash"][1:]
    elif kind == "delete":
        del chain[i]
    elif kind == "insert":
        chain.insert(b % (len(chain) + 1), copy.deepcopy(chain[i]))
    elif kind == "forge":
        # A well-formed event appended or inserted with a correct hash for its place.
        at = b % (len(chain) + 1)
        prev = chain[at - 1]["hash"] if at else "0" * 64
        payload = {**copy.deepcopy(chain[i]["payload"]), "seq": at + 1}
        chain.insert(
            at, {**chain[i], "seq": at + 1, "payload": payload, "prev_hash": prev, "hash": event_hash(prev, payload)}
        )
    else:
        if len(chain) < 2:
            chain.append(copy.deepcopy(chain[0]))
        j = b % len(chain)
        if j == i:
            j = (i + 1) % len(chain)
        chain[i], chain[j] = chain[j], chain[i]
    return bundle


def test_any_change_to_the_chain_of_an_exported_bundle_is_detected():
    bundles = [
        exported({"rubric": [("1.00", 1, 5)], "nominations": 1, "scores": {"J-A": {0: [3]}}}),
        exported(
            {
                "rubric": [("2.00", 1, 5), ("1.00", 0, 10)],
                "nominations": 4,
                "quorum": 2,
                "scores": {
                    "J-A": {0: [5, 10], 1: [3, 5], 2: [1, 0]},
                    "J-B": {0: [4, 8], 3: [4, 6]},
                    "J-C": {1: [2, 2], 2: [3, 3], 3: [5, 9]},
                },
            }
        ),
    ]
    for bundle in bundles:
        assert verify_bundle.verify(bundle) == []

    @settings(max_examples=500, deadline=None, database=None)
    @given(which=st.integers(0, len(bundles) - 1), mutation=mutations())
    def detected(which, mutation):
        assert verify_bundle.verify(mutate(bundles[which], mutation)) != []

    detected()


def test_verifier_script_prints_pass_or_the_differences(tmp_path):
    import subprocess
    import sys

    from django.conf import settings as django_settings

    bundle = exported({"rubric": [("1.00", 1, 5)], "nominations": 2, "scores": {"J-A": {0: [3], 1: [5]}}})
    script = f"{django_settings.BASE_DIR}/jury/verdict/verify_bundle.py"
    good = tmp_path / "good.json"
    good.write_bytes(json.dumps(bundle).encode())
    ran = subprocess.run([sys.executable, "-I", script, str(good)], capture_output=True, text=True, check=False)
    assert (ran.returncode, ran.stdout) == (0, "PASS\n")

    bundle["input"]["scorecards"][0][3] = bundle["input"]["scorecards"][0][3].replace(":3", ":4")
    bad = tmp_path / "bad.json"
    bad.write_bytes(json.dumps(bundle).encode())
    ran = subprocess.run([sys.executable, "-I", script, str(bad)], capture_output=True, text=True, check=False)
    assert ran.returncode == 1
    assert ran.stdout.startswith("FAIL\n")
    assert "recorded" in ran.stdout and "input digest" in ran.stdout
