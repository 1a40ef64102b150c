"""The assignment algorithm on random juries, nominations and conflicts.

What these tests establish: on every generated input, either the right nominations are named as
infeasible, or every nomination gets exactly k distinct jurors without a conflict, and the loads are
as even as any plan could make them. "As any plan could" is checked independently of the algorithm,
by a small max-flow with lower bounds (Dinic on the network source → nomination [k, k] → juror [0, 1]
→ sink [lo, hi]): when loads within ±1 of the mean are reachable the plan's spread is ≤ 1, and in any
case no plan has a lower maximum load or a higher minimum load than this one."""

from collections import defaultdict, deque

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jury.assignment import (
    InfeasibleAssignment,
    _greedy,
    _rng,
    assign,
    assign_all,
    loads,
    pair_counts,
    presentation_order,
    rebalance,
    uncovered_pairs,
)

FAST = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# ---------------------------------------------------------------------------------------------------
# An independent feasibility check: a circulation with lower bounds, solved by Dinic's max-flow.


class Dinic:
    def __init__(self):
        self.graph: dict = defaultdict(list)  # node -> [edge index]
        self.to: list = []
        self.cap: list[int] = []

    def edge(self, u, v, capacity: int) -> None:
        self.graph[u].append(len(self.to))
        self.to.append(v)
        self.cap.append(capacity)
        self.graph[v].append(len(self.to))
        self.to.append(u)
        self.cap.append(0)

    def max_flow(self, source, sink) -> int:
        flow = 0
        while True:
            level = {source: 0}
            queue = deque([source])
            while queue:
                u = queue.popleft()
                for e in self.graph[u]:
                    if self.cap[e] > 0 and self.to[e] not in level:
                        level[self.to[e]] = level[u] + 1
                        queue.append(self.to[e])
            if sink not in level:
                return flow
            pointer = dict.fromkeys(level, 0)
            while pushed := self._push(source, sink, 10**9, level, pointer):
                flow += pushed

    def _push(self, u, sink, limit: int, level: dict, pointer: dict) -> int:
        if u == sink:
            return limit
        edges = self.graph[u]
        while pointer[u] < len(edges):
            e = edges[pointer[u]]
            v = self.to[e]
            if self.cap[e] > 0 and level.get(v) == level[u] + 1:
                pushed = self._push(v, sink, min(limit, self.cap[e]), level, pointer)
                if pushed:
                    self.cap[e] -= pushed
                    self.cap[e ^ 1] += pushed
                    return pushed
            pointer[u] += 1
        return 0


def plan_exists(jurors, nominations, k, conflicts, lo: int, hi: int) -> bool:
    """Is there any plan with k distinct allowed jurors per nomination and every load in [lo, hi]?"""
    if lo > hi:
        return False
    excess: dict = defaultdict(int)
    net = Dinic()

    def bounded(u, v, low, high):
        net.edge(u, v, high - low)
        excess[v] += low
        excess[u] -= low

    for n in nominations:
        bounded("s", ("n", n), k, k)
        for j in jurors:
            if (j, n) not in conflicts:
                bounded(("n", n), ("j", j), 0, 1)
    for j in jurors:
        bounded(("j", j), "t", lo, hi)
    bounded("t", "s", 0, len(nominations) * k)
    need = 0
    for node, amount in excess.items():
        if amount > 0:
            net.edge("S*", node, amount)
            need += amount
        elif amount < 0:
            net.edge(node, "T*", -amount)
    return net.max_flow("S*", "T*") == need


def test_the_flow_check_itself_on_small_cases_it_can_see_by_hand():
    # Two jurors, one nomination, k=1: loads (1, 0) only.
    assert plan_exists([1, 2], [10], 1, set(), 0, 1)
    assert not plan_exists([1, 2], [10], 1, set(), 1, 1)
    # Juror 2 may take nothing: its load is 0, so [1, 2] is out of reach.
    conflicts = {(2, 10), (2, 11)}
    assert plan_exists([1, 2, 3], [10, 11], 1, conflicts, 0, 1)
    assert not plan_exists([1, 2, 3], [10, 11], 1, conflicts, 1, 2)
    # k=2 on three nominations with three jurors: each juror takes exactly two.
    assert plan_exists([1, 2, 3], [10, 11, 12], 2, set(), 2, 2)


# ---------------------------------------------------------------------------------------------------
# Random inputs


@st.composite
def juries(draw, *, feasible: bool | None = None):
    """(jurors, nominations, k, conflicts). With feasible=True every nomination keeps at least k
    jurors without a conflict; with None the conflicts may leave some short."""
    m = draw(st.integers(2, 15))
    jurors = draw(st.lists(st.integers(1, 10_000), min_size=m, max_size=m, unique=True))
    n = draw(st.integers(1, 60))
    nominations = draw(st.lists(st.integers(1, 100_000), min_size=n, max_size=n, unique=True))
    k = draw(st.integers(1, m))
    # Conflicts cluster on a few jurors (the case that makes balancing hard) or fall anywhere. They
    # are drawn from a Hypothesis-seeded RNG: one draw instead of hundreds keeps the module fast.
    density = draw(st.sampled_from([0.0, 0.05, 0.2, 0.5, 0.9]))
    prone = sorted(jurors) if draw(st.booleans()) else sorted(draw(st.sets(st.sampled_from(jurors), max_size=m)))
    rnd = draw(st.randoms(use_true_random=False))
    conflicts = set()
    for nomination in nominations:
        conflicted = [j for j in prone if rnd.random() < density]
        if feasible and len(conflicted) > m - k:
            conflicted = rnd.sample(conflicted, m - k)
        conflicts.update((j, nomination) for j in conflicted)
    return jurors, nominations, k, conflicts


def allowed_count(jurors, nomination, conflicts) -> int:
    return sum(1 for j in jurors if (j, nomination) not in conflicts)


@FAST
@given(juries(), st.integers(0, 2**31 - 1))
def test_assign_gives_k_distinct_unconflicted_jurors_or_names_the_short_nominations(jury, seed):
    jurors, nominations, k, conflicts = jury
    short = sorted(n for n in nominations if allowed_count(jurors, n, conflicts) < k)

    if short:
        with pytest.raises(InfeasibleAssignment) as error:
            assign(jurors, nominations, k, conflicts, seed)
        assert error.value.nominations == short
        assert all(str(n) in str(error.value) for n in short)
        return
    plan = assign(jurors, nominations, k, conflicts, seed)

    assert sorted(plan) == sorted(nominations)
    for nomination, assigned in plan.items():
        assert len(assigned) == k
        assert len(set(assigned)) == k
        assert set(assigned) <= set(jurors)
        assert not any((j, nomination) in conflicts for j in assigned)


@FAST
@given(juries(feasible=True), st.integers(0, 2**31 - 1))
def test_loads_are_as_even_as_any_plan_allows(jury, seed):
    jurors, nominations, k, conflicts = jury
    plan = assign(jurors, nominations, k, conflicts, seed)
    load = loads(plan, jurors)
    high, low = max(load.values()), min(load.values())
    mean_floor = len(nominations) * k // len(jurors)

    if plan_exists(jurors, nominations, k, conflicts, mean_floor, mean_floor + 1):
        assert high - low <= 1
    # Independently of the ±1 case: no plan at all has a lower maximum or a higher minimum.
    assert not plan_exists(jurors, nominations, k, conflicts, 0, high - 1)
    assert not plan_exists(jurors, nominations, k, conflicts, low + 1, len(nominations))


@settings(max_examples=30, deadline=None)
@given(juries(feasible=True), st.integers(0, 2**31 - 1))
def test_the_same_seed_gives_the_same_plan_and_order(jury, seed):
    jurors, nominations, k, conflicts = jury

    first = assign(jurors, nominations, k, conflicts, seed)
    again = assign(list(reversed(jurors)), list(reversed(nominations)), k, set(conflicts), seed)

    assert first == again
    for juror in jurors:
        mine = [n for n, assigned in first.items() if juror in assigned]
        assert presentation_order(juror, mine, seed) == presentation_order(juror, reversed(mine), seed)
        assert sorted(presentation_order(juror, mine, seed)) == sorted(mine)


@settings(max_examples=40, deadline=None)
@given(juries())
def test_assign_all_puts_every_juror_on_every_nomination_without_a_conflict(jury):
    jurors, nominations, _k, conflicts = jury
    nobody = sorted(n for n in nominations if allowed_count(jurors, n, conflicts) == 0)

    if nobody:
        with pytest.raises(InfeasibleAssignment) as error:
            assign_all(jurors, nominations, conflicts)
        assert error.value.nominations == nobody
        return
    plan = assign_all(jurors, nominations, conflicts)

    for nomination in nominations:
        assert plan[nomination] == sorted(j for j in jurors if (j, nomination) not in conflicts)


# ---------------------------------------------------------------------------------------------------
# Concrete cases


@pytest.mark.parametrize("seed", [0, 1, 7, 2024, 99991])
def test_six_jurors_thirty_nominations_every_pair_meets(seed):
    jurors, nominations = list(range(1, 7)), list(range(100, 130))

    plan = assign(jurors, nominations, 3, set(), seed)

    assert set(loads(plan, jurors).values()) == {15}
    assert uncovered_pairs(plan, jurors) == []
    # 90 pair slots over 15 pairs: the tie-break spreads them, so every pair meets at least twice.
    assert min(pair_counts(plan).values()) >= 2


def test_pairs_meet_when_the_nominations_just_suffice():
    # 7 jurors, 7 nominations, k=3: 21 pair slots for 21 pairs, the Fano plane; our heuristic need
    # not find that design, but it must cover most pairs.
    jurors = list(range(7))
    plan = assign(jurors, list(range(7)), 3, set(), 3)

    assert len(uncovered_pairs(plan, jurors)) <= 6
    assert set(loads(plan, jurors).values()) == {3}


def test_different_seeds_give_different_plans():
    jurors, nominations = list(range(10)), list(range(40))

    plans = {tuple(tuple(a) for a in assign(jurors, nominations, 3, set(), seed).values()) for seed in range(5)}

    assert len(plans) > 1


def test_infeasible_names_each_short_nomination():
    conflicts = {(1, 10), (2, 10), (1, 11), (3, 11), (1, 12)}

    with pytest.raises(InfeasibleAssignment) as error:
        assign([1, 2, 3], [10, 11, 12], 2, conflicts, 0)

    assert error.value.nominations == [10, 11]
    assert error.value.shortages == {10: 1, 11: 1}
    assert "10 (1 possible)" in str(error.value)


def test_k_below_one_and_duplicates_are_refused():
    with pytest.raises(ValueError, match="k must be"):
        assign([1, 2], [1], 0, set(), 0)
    with pytest.raises(ValueError, match="duplicate"):
        assign([1, 1], [1], 1, set(), 0)


def test_no_nominations_is_an_empty_plan():
    assert assign([1, 2], [], 2, set(), 0) == {}


def test_repair_evens_out_a_lopsided_start_through_a_chain():
    # Juror 1 holds everything. Juror 3 may only take nomination 12, which juror 2 may hand over
    # only if 2 first takes something from 1: the fix needs a chain, not a single move.
    allowed = {10: {1, 2}, 11: {1, 2}, 12: {1, 2, 3}, 13: {1, 2}}
    plan = {10: {1}, 11: {1}, 12: {2}, 13: {1}}

    rebalance(plan, allowed)

    assert loads(plan, [1, 2, 3]) == {1: 2, 2: 1, 3: 1}
    assert plan[12] == {3}
    assert all(assigned <= allowed[n] and len(assigned) == 1 for n, assigned in plan.items())


def test_the_repair_phase_fixes_what_the_greedy_pass_leaves_uneven():
    # Four jurors, two nominations, k=2; juror 1 may not take nomination 1, juror 2 not nomination 0.
    # Only {0 or 3, 1} / {2, the other} is even; the greedy pass misses it for some seeds.
    jurors, nominations, conflicts = [0, 1, 2, 3], [0, 1], {(1, 1), (2, 0)}
    allowed = {n: [j for j in jurors if (j, n) not in conflicts] for n in nominations}
    greedy_loads = [loads(_greedy(jurors, nominations, 2, allowed, _rng(seed)), jurors) for seed in range(20)]
    assert any(max(load.values()) == 2 for load in greedy_loads)  # so this test exercises the repair

    for seed in range(20):
        assert loads(assign(jurors, nominations, 2, conflicts, seed), jurors) == {0: 1, 1: 1, 2: 1, 3: 1}


def test_presentation_order_differs_between_jurors():
    nominations = list(range(20))

    orders = {tuple(presentation_order(juror, nominations, 5)) for juror in range(5)}

    assert len(orders) == 5
    assert all(sorted(order) == nominations for order in orders)


def test_pair_counts_and_uncovered_pairs():
    plan = {1: [1, 2, 3], 2: [1, 2, 4]}

    assert pair_counts(plan) == {(1, 2): 2, (1, 3): 1, (2, 3): 1, (1, 4): 1, (2, 4): 1}
    assert uncovered_pairs(plan, [1, 2, 3, 4]) == [(3, 4)]
