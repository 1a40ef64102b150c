"""The tally on small editions computed by hand (the comments show the arithmetic)."""

import pytest

from jury.verdict.tally import compute_tally
from tests.verdict.tally_setup import scored_edition

pytestmark = pytest.mark.django_db


def by_nomination(result, key="ranking"):
    return {entry["nomination"]: entry for entry in result[key]}


def test_weights_and_scale_mapping():
    # C1 weight 2 on 1..5, C2 weight 1 on 0..10: x = (2*(v1-1)/4 + 1*v2/10) / 3.
    # A: N0 (5,10) = 3/3 = 100;        N1 (3,5) = (1 + .5)/3 = 50
    # B: N0 (4,4) = (1.5 + .4)/3 = 63.333333;  N1 (2,10) = (.5 + 1)/3 = 50
    # N0: mean (100 + 63.3333)/2 = 81.666667, sample sd = 36.6667/sqrt(2) = 25.927249
    s = scored_edition(
        rubric=[("2.00", 1, 5), ("1.00", 0, 10)],
        nominations=2,
        quorum=2,
        scores={"J-A": {0: [5, 10], 1: [3, 5]}, "J-B": {0: [4, 4], 1: [2, 10]}},
    )
    result = compute_tally(s.edition)
    c1, c2 = (str(c.pk) for c in s.criteria)
    first, second = result["ranking"]
    assert (first["nomination"], first["position"], first["count"]) == (s.nom(0), 1, 2)
    assert first["raw"] == {
        "mean": "81.666667",
        "median": "81.666667",
        "stdev": "25.927249",
        "min": "63.333333",
        "max": "100.000000",
    }
    assert first["criteria"] == {c1: "4.500000", c2: "7.000000"}
    assert (second["nomination"], second["position"]) == (s.nom(1), 2)
    assert second["raw"] == {
        "mean": "50.000000",
        "median": "50.000000",
        "stdev": "0.000000",
        "min": "50.000000",
        "max": "50.000000",
    }
    assert first["tie"] is None and second["tie"] is None
    assert result["distributions"][str(s.nom(0))] == [0, 0, 0, 0, 0, 0, 1, 0, 0, 1]
    assert result["distributions"][str(s.nom(1))] == [0, 0, 0, 0, 0, 2, 0, 0, 0, 0]
    assert result["criteria"][0]["weight"] == "2.00"
    assert result["chain"]["length"] == 4


def test_equal_means_settled_by_the_median():
    # One criterion 0..10. N0: 10, 5, 0 → mean 50, median 50. N1: 6, 6, 3 → mean 50, median 60.
    s = scored_edition(
        rubric=[("1.00", 0, 10)],
        nominations=3,
        quorum=3,
        scores={"J-A": {0: [10], 1: [6], 2: [2]}, "J-B": {0: [5], 1: [6], 2: [2]}, "J-C": {0: [0], 1: [3], 2: [2]}},
    )
    ranking = compute_tally(s.edition)["ranking"]
    assert [(e["nomination"], e["position"]) for e in ranking] == [(s.nom(1), 1), (s.nom(0), 2), (s.nom(2), 3)]
    assert ranking[0]["raw"]["mean"] == ranking[1]["raw"]["mean"] == "50.000000"
    assert ranking[0]["tie"] == {
        "tied_on_mean": [s.nom(0)],
        "with": [s.nom(0)],
        "settled_by": "median",
        "needs_chair": False,
    }
    assert ranking[1]["tie"]["settled_by"] == "median"


def test_equal_means_and_medians_settled_by_the_top_criterion():
    # C1 weight 1, C2 weight 3 (the top), both 0..10: x = (v1 + 3*v2)/40.
    # N0: (10,0) twice → 25 each; N1: (1,3) twice → 25 each. Same mean, same median;
    # on C2, N1 has 3 and N0 has 0.
    s = scored_edition(
        rubric=[("1.00", 0, 10), ("3.00", 0, 10)],
        nominations=2,
        quorum=2,
        scores={"J-A": {0: [10, 0], 1: [1, 3]}, "J-B": {0: [10, 0], 1: [1, 3]}},
    )
    ranking = compute_tally(s.edition)["ranking"]
    assert [(e["nomination"], e["position"]) for e in ranking] == [(s.nom(1), 1), (s.nom(0), 2)]
    assert ranking[0]["tie"]["settled_by"] == "top_criterion"
    assert not ranking[0]["tie"]["needs_chair"]


def test_tie_the_rules_cannot_settle_is_left_to_the_chair():
    s = scored_edition(
        rubric=[("1.00", 1, 5)],
        nominations=3,
        quorum=2,
        scores={"J-A": {0: [4], 1: [4], 2: [1]}, "J-B": {0: [2], 1: [2], 2: [1]}},
    )
    ranking = compute_tally(s.edition)["ranking"]
    assert [(e["nomination"], e["position"]) for e in ranking] == [(s.nom(0), 1), (s.nom(1), 1), (s.nom(2), 3)]
    assert ranking[0]["tie"] == {
        "tied_on_mean": [s.nom(1)],
        "with": [s.nom(1)],
        "settled_by": "chair",
        "needs_chair": True,
    }
    assert ranking[1]["tie"]["with"] == [s.nom(0)]
    assert ranking[1]["tie"]["needs_chair"]


def test_chair_only_rule_leaves_every_equal_mean_to_the_chair():
    # Different medians (N0: 10,5,0 → 5; N1: 6,6,3 → 6) but the rule is "chair" alone.
    s = scored_edition(
        rubric=[("1.00", 0, 10)],
        nominations=2,
        quorum=1,
        tie_break="chair",
        scores={"J-A": {0: [10], 1: [6]}, "J-B": {0: [5], 1: [6]}, "J-C": {0: [0], 1: [3]}},
    )
    ranking = compute_tally(s.edition)["ranking"]
    assert [e["position"] for e in ranking] == [1, 1]
    assert all(e["tie"]["needs_chair"] for e in ranking)


def test_nominations_below_quorum_are_listed_not_ranked():
    s = scored_edition(
        rubric=[("1.00", 1, 5)],
        nominations=3,
        quorum=2,
        scores={"J-A": {0: [5], 1: [3], 2: [5]}, "J-B": {0: [4], 1: [3]}},
    )
    result = compute_tally(s.edition)
    assert [e["nomination"] for e in result["ranking"]] == [s.nom(0), s.nom(1)]
    (below,) = result["below_quorum"]
    assert (below["nomination"], below["count"], below["raw"]["mean"]) == (s.nom(2), 1, "100.000000")
    assert below["raw"]["stdev"] is None
    assert "position" not in below
    assert str(s.nom(2)) not in result["other_method_positions"]


def test_normalisation_turns_harsh_and_lenient_jurors_alike():
    # One criterion 0..10. A: N0 10, N1 0, N2 5 (x = 1, 0, .5: z = +1.224745, -1.224745, 0).
    # B: N0 5, N1 6, N2 7 (x = .5, .6, .7: z = -1.224745, 0, +1.224745).
    # Raw: N0 75, N2 60, N1 30. Normalised: N2 +0.612372, N0 0, N1 -0.612372.
    s = scored_edition(
        rubric=[("1.00", 0, 10)],
        nominations=3,
        quorum=2,
        method="normalised",
        scores={"J-A": {0: [10], 1: [0], 2: [5]}, "J-B": {0: [5], 1: [6], 2: [7]}},
    )
    result = compute_tally(s.edition)
    assert [e["nomination"] for e in result["ranking"]] == [s.nom(2), s.nom(0), s.nom(1)]
    entries = by_nomination(result)
    assert entries[s.nom(2)]["normalised"] == {"mean": "0.612372"}
    assert entries[s.nom(0)]["normalised"] == {"mean": "0.000000"}
    assert entries[s.nom(1)]["normalised"] == {"mean": "-0.612372"}
    assert result["other_method"] == "raw"
    assert result["other_method_positions"] == {str(s.nom(0)): 1, str(s.nom(2)): 2, str(s.nom(1)): 3}
    assert result["normalisation"] == {"not_normalised": []}
    assert result["what_if"] is None


def test_jurors_with_too_few_scorecards_or_no_spread_are_not_normalised():
    # A: 3 scorecards with spread (z = +1.224745, 0, -1.224745). C: two scorecards. D: 4, 4, 4.
    # N0's normalised mean = (1.224745 + 0 + 0) / 3 = 0.408248; C and D count as z = 0.
    s = scored_edition(
        rubric=[("1.00", 0, 10)],
        nominations=3,
        scores={
            "J-A": {0: [10], 1: [5], 2: [0]},
            "J-C": {0: [3], 1: [9]},
            "J-D": {0: [4], 1: [4], 2: [4]},
        },
    )
    result = compute_tally(s.edition)
    assert result["normalisation"]["not_normalised"] == [
        {"juror": "J-C", "reason": "fewer_than_3", "scorecards": 2},
        {"juror": "J-D", "reason": "no_spread", "scorecards": 3},
    ]
    entries = by_nomination(result)
    assert entries[s.nom(0)]["normalised"]["mean"] == "0.408248"
    assert entries[s.nom(2)]["normalised"]["mean"] == "-0.612372"  # (-1.224745 + 0) / 2


def test_report_agreement_stability_leniency_and_what_if():
    # One criterion 1..5 (x = (v-1)/4). Every juror scores every nomination.
    # A: 5 4 1, B: 4 5 1, C: 5 3 2 → N0 = (100+75+100)/3 = 91.67, N1 = (75+100+50)/3 = 75, N2 = 8.33.
    s = scored_edition(
        rubric=[("1.00", 1, 5)],
        nominations=3,
        quorum=2,
        scores={"J-A": {0: [5], 1: [4], 2: [1]}, "J-B": {0: [4], 1: [5], 2: [1]}, "J-C": {0: [5], 1: [3], 2: [2]}},
    )
    result = compute_tally(s.edition)
    # Kendall's W: rank sums (1 = lowest) N0 3+2+3 = 8, N1 2+3+2 = 7, N2 1+1+1 = 3; mean 6;
    # S = 4 + 1 + 9 = 14; W = 12*14 / (9 * 24) = 0.777778.
    assert result["agreement"]["kendall_w"] == "0.777778"
    assert result["agreement"]["per_criterion"] == {str(s.criteria[0].pk): "0.777778"}
    assert result["agreement"]["jurors"] == 3
    # Without B, N0 (100, 100) still leads; without A or C too.
    assert result["stability"]["first_place_always"] is True
    assert [r["winner"] for r in result["stability"]["leave_one_out"]] == [s.nom(0)] * 3
    # Leniency of A: N0 100 - 87.5 = 12.5, N1 75 - 75 = 0, N2 0 - 12.5 = -12.5 → mean 0.
    leniency = {row["juror"]: row for row in result["leniency"]}
    assert leniency["J-A"] == {"juror": "J-A", "mean_deviation": "0.000000", "scorecards": 3}
    # C: N0 100 - 87.5 = 12.5; N1 50 - 87.5 = -37.5; N2 25 - 0 = 25 → mean 0.
    assert leniency["J-C"]["mean_deviation"] == "0.000000"
    # N0 275 vs N1 225 (in quarter points x 3 jurors: 11 vs 9 steps). One juror lowering N0 by 3
    # steps (11 - 3 = 8 < 9) or raising N1 by... the most any one N1 scorecard can rise is 2 (C: 3 → 5),
    # not enough; so: the lowest-coded juror lowering N0 by 3 steps.
    what_if = result["what_if"]
    assert (what_if["first"], what_if["second"], what_if["steps"]) == (s.nom(0), s.nom(1), 3)
    assert (what_if["juror"], what_if["direction"], what_if["nomination"]) == ("J-A", "lower", s.nom(0))
    assert what_if["changes"] == [{"criterion": s.criteria[0].pk, "from": 5, "to": 2}]


def test_leave_one_out_can_change_the_winner():
    # A alone carries N1: N0 = 4, 4, 4; N1 = 5, 4, 4... without A the two are tied on mean.
    s = scored_edition(
        rubric=[("1.00", 0, 10)],
        nominations=2,
        quorum=2,
        scores={"J-A": {0: [4], 1: [10]}, "J-B": {0: [6], 1: [4]}, "J-C": {0: [6], 1: [5]}},
    )
    # N1 = 19/3 = 63.3 > N0 = 16/3 = 53.3. Without A: N0 60, N1 45 → N0 wins. Without B or C: N1.
    result = compute_tally(s.edition)
    assert result["ranking"][0]["nomination"] == s.nom(1)
    winners = {r["juror"]: r["winner"] for r in result["stability"]["leave_one_out"]}
    assert winners == {"J-A": s.nom(0), "J-B": s.nom(1), "J-C": s.nom(1)}
    assert result["stability"]["first_place_always"] is False


def test_only_submitted_scorecards_count():
    from jury.models import Scorecard

    s = scored_edition(rubric=[("1.00", 1, 5)], nominations=2, scores={"J-A": {0: [5], 1: [1]}})
    Scorecard.objects.filter(pk=s.scorecards[("J-A", 0)].pk).update(status="draft", submitted_at=None)
    result = compute_tally(s.edition)
    assert [e["nomination"] for e in result["ranking"]] == [s.nom(1)]


def test_ranking_alone_equals_the_tally_ranking():
    from jury.verdict.tally import ranking_only

    s = scored_edition(
        rubric=[("1.00", 0, 10), ("3.00", 0, 10)],
        nominations=4,
        quorum=2,
        scores={
            "J-A": {0: [10, 0], 1: [1, 3], 2: [10, 10], 3: [10, 0]},
            "J-B": {0: [10, 0], 1: [1, 3], 2: [0, 0], 3: [10, 0]},
        },
    )
    ranking = compute_tally(s.edition)["ranking"]
    assert ranking_only(s.edition) == [(e["nomination"], e["position"], e["tie"]) for e in ranking]
