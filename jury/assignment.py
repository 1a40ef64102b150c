"""Sharing nominations among jurors: the pure algorithm, on plain ids, with no Django in it.

`assign` gives every nomination exactly k distinct jurors who have no conflict with it, and spreads
the work so that no juror has two nominations more than another whenever such a plan exists:

1. greedy: nominations in order of how few jurors may take them (seeded shuffle among equals), each
   filled with the least-loaded allowed jurors, ties broken towards jurors who would meet someone new;
2. repair: while a juror with load l can hand work, along a chain of moves, to a juror with load
   l - 2 or less, do it. Each chain "a gives x1 to b1, b1 gives x2 to b2, ..., ends at b" is a
   negative-cost cycle of the flow network (nomination → juror, cost load² per juror), so when none
   is left the loads minimise the sum of squares; the integer vectors with that minimum are exactly
   the ones with max - min ≤ 1 when any plan reaches it (and otherwise the most even ones reachable);
3. pairs: load-preserving swaps between two jurors on two nominations, kept only when they make
   more pairs of jurors share at least one nomination.

Everything is deterministic for a given seed: iteration runs over sorted ids and one seeded RNG."""

import random
from collections import defaultdict
from collections.abc import Iterable
from itertools import combinations

Conflicts = set[tuple[int, int]]  # (juror, nomination)

# Bounds the pair phase when full coverage is out of reach (few nominations, many jurors).
PAIR_SWAP_EVALUATIONS = 200_000


class InfeasibleAssignment(ValueError):
    """Some nominations have fewer than k jurors without a conflict of interest."""

    def __init__(self, shortages: dict[int, int], k: int):
        self.k = k
        self.shortages = dict(sorted(shortages.items()))  # nomination -> jurors possible
        self.nominations = list(self.shortages)
        detail = ", ".join(f"{n} ({count} possible)" for n, count in self.shortages.items())
        super().__init__(f"Fewer than {k} jurors without a conflict for nominations: {detail}")


def _unique_sorted(ids: Iterable[int], what: str) -> list[int]:
    ids = list(ids)
    unique = sorted(set(ids))
    if len(unique) != len(ids):
        raise ValueError(f"duplicate {what}")
    return unique


def _allowed(jurors: list[int], nominations: list[int], conflicts: Conflicts) -> dict[int, list[int]]:
    return {n: [j for j in jurors if (j, n) not in conflicts] for n in nominations}


def _rng(seed) -> random.Random:
    return random.Random(seed)  # noqa: S311 - fairness and reproducibility, not secrecy  # nosec B311


def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def assign_all(jurors: list[int], nominations: list[int], conflicts: Conflicts) -> dict[int, list[int]]:
    """Mode "all": every juror on every nomination, except where they have a conflict."""
    jurors = _unique_sorted(jurors, "jurors")
    nominations = _unique_sorted(nominations, "nominations")
    allowed = _allowed(jurors, nominations, conflicts)
    nobody = {n: 0 for n, possible in allowed.items() if not possible}
    if nobody:
        raise InfeasibleAssignment(nobody, 1)
    return allowed


def assign(jurors: list[int], nominations: list[int], k: int, conflicts: Conflicts, seed: int) -> dict[int, list[int]]:
    """Mode "k": nomination -> k distinct jurors (sorted), none conflicted, loads as even as possible,
    as many pairs of jurors meeting as the loads allow."""
    if k < 1:
        raise ValueError("k must be at least 1")
    jurors = _unique_sorted(jurors, "jurors")
    nominations = _unique_sorted(nominations, "nominations")
    allowed = _allowed(jurors, nominations, conflicts)
    shortages = {n: len(possible) for n, possible in allowed.items() if len(possible) < k}
    if shortages:
        raise InfeasibleAssignment(shortages, k)
    if not nominations:
        return {}
    rng = _rng(seed)
    plan = _greedy(jurors, nominations, k, allowed, rng)
    rebalance(plan, {n: set(a) for n, a in allowed.items()})
    _improve_pairs(plan, {n: set(a) for n, a in allowed.items()}, jurors)
    return {n: sorted(plan[n]) for n in nominations}


def _greedy(
    jurors: list[int], nominations: list[int], k: int, allowed: dict[int, list[int]], rng: random.Random
) -> dict[int, set[int]]:
    order = list(nominations)
    rng.shuffle(order)
    order.sort(key=lambda n: len(allowed[n]))  # stable: the shuffle decides among equals
    load = dict.fromkeys(jurors, 0)
    met: dict[int, set[int]] = {j: set() for j in jurors}
    plan: dict[int, set[int]] = {}
    for n in order:
        chosen: set[int] = set()
        for _ in range(k):
            best = min(
                (j for j in allowed[n] if j not in chosen),
                key=lambda j: (
                    load[j],
                    -len(chosen - met[j]),  # new pairs made on this nomination
                    len(met[j]),  # jurors who met few others first
                    rng.random(),
                ),
            )
            chosen.add(best)
            load[best] += 1
        for a, b in combinations(sorted(chosen), 2):
            met[a].add(b)
            met[b].add(a)
        plan[n] = chosen
    return plan


def loads(plan: dict[int, Iterable[int]], jurors: Iterable[int] = ()) -> dict[int, int]:
    """Nominations per juror; jurors given but absent from the plan count 0."""
    count = dict.fromkeys(jurors, 0)
    for assigned in plan.values():
        for j in assigned:
            count[j] = count.get(j, 0) + 1
    return count


def rebalance(plan: dict[int, set[int]], allowed: dict[int, set[int]]) -> None:
    """Apply improving chains of moves in place until none is left (see the module docstring)."""
    load = loads(plan, {j for a in allowed.values() for j in a})
    held: dict[int, set[int]] = defaultdict(set)
    for n, assigned in plan.items():
        for j in assigned:
            held[j].add(n)
    while True:
        path = _improving_path(plan, allowed, load, held)
        if path is None:
            return
        # Every step is valid against the state before the chain (see _improving_path), so applying
        # them one after the other keeps each nomination's jurors distinct and allowed.
        for giver, n, taker in path:
            plan[n].remove(giver)
            plan[n].add(taker)
            held[giver].remove(n)
            held[taker].add(n)
        load[path[0][0]] -= 1
        load[path[-1][2]] += 1


def _improving_path(
    plan: dict[int, set[int]], allowed: dict[int, set[int]], load: dict[int, int], held: dict[int, set[int]]
) -> list[tuple[int, int, int]] | None:
    """A chain [(giver, nomination, taker), ...] from a juror with load l to one with load ≤ l - 2,
    or None. Breadth-first over jurors: a → b when a holds some x that b may take and does not hold.
    Each juror appears once on the chain, so a nomination used twice on it loses two different
    jurors and gains two different ones: the chain stays valid when applied step by step."""
    for start in sorted(load, key=lambda j: (-load[j], j)):
        parent: dict[int, tuple[int, int]] = {}
        seen = {start}
        queue = [start]
        best = None
        for giver in queue:  # the list grows while we walk it: breadth-first
            for n in sorted(held[giver]):
                for taker in sorted(allowed[n] - plan[n] - seen):
                    seen.add(taker)
                    parent[taker] = (giver, n)
                    queue.append(taker)
                    if load[taker] <= load[start] - 2 and (best is None or load[taker] < load[best]):
                        best = taker
        if best is not None:
            path = []
            node = best
            while node != start:
                giver, n = parent[node]
                path.append((giver, n, node))
                node = giver
            return path[::-1]
    return None


def pair_counts(plan: dict[int, Iterable[int]]) -> dict[tuple[int, int], int]:
    """How many nominations each pair of jurors shares (pairs sharing none are absent)."""
    count: dict[tuple[int, int], int] = defaultdict(int)
    for assigned in plan.values():
        for a, b in combinations(sorted(assigned), 2):
            count[(a, b)] += 1
    return dict(count)


def uncovered_pairs(plan: dict[int, Iterable[int]], jurors: Iterable[int]) -> list[tuple[int, int]]:
    """Pairs of jurors who share no nomination."""
    shared = pair_counts(plan)
    return [p for p in combinations(sorted(set(jurors)), 2) if p not in shared]


def _improve_pairs(plan: dict[int, set[int]], allowed: dict[int, set[int]], jurors: list[int]) -> None:
    """For a pair (u, v) that never meets: put v on a nomination x of u in place of w, and w on a
    nomination y of v in place of v. Loads stay; kept only if more pairs meet afterwards."""
    count: dict[tuple[int, int], int] = defaultdict(int, pair_counts(plan))
    held: dict[int, set[int]] = defaultdict(set)
    for n, assigned in plan.items():
        for j in assigned:
            held[j].add(n)
    budget = PAIR_SWAP_EVALUATIONS

    def gain(x: int, w: int, v: int, y: int) -> int:
        change: dict[tuple[int, int], int] = defaultdict(int)
        for z in plan[x] - {w}:
            change[_pair(w, z)] -= 1
            change[_pair(v, z)] += 1
        for z in plan[y] - {v}:
            change[_pair(v, z)] -= 1
            change[_pair(w, z)] += 1
        return sum((count[p] + d > 0) - (count[p] > 0) for p, d in change.items() if d)

    def swap(x: int, w: int, v: int, y: int) -> None:
        for z in plan[x] - {w}:
            count[_pair(w, z)] -= 1
            count[_pair(v, z)] += 1
        for z in plan[y] - {v}:
            count[_pair(v, z)] -= 1
            count[_pair(w, z)] += 1
        plan[x].remove(w)
        plan[x].add(v)
        plan[y].remove(v)
        plan[y].add(w)
        held[w].remove(x)
        held[w].add(y)
        held[v].remove(y)
        held[v].add(x)

    improved = True
    while improved and budget > 0:
        improved = False
        for u, v in combinations(jurors, 2):
            if count[(u, v)] > 0:
                continue
            done = False
            for a, b in ((u, v), (v, u)):  # b joins a nomination of a
                for x in sorted(held[a]):
                    if b in plan[x] or b not in allowed[x]:
                        continue
                    for w in sorted(plan[x] - {a}):
                        for y in sorted(held[b] - {x}):
                            if w in plan[y] or w not in allowed[y]:
                                continue
                            budget -= 1
                            if gain(x, w, b, y) > 0:
                                swap(x, w, b, y)
                                done = True
                                break
                            if budget <= 0:
                                return
                        if done:
                            break
                    if done:
                        break
                if done:
                    break
            improved = improved or done


def presentation_order(juror: int, nominations: Iterable[int], seed: int) -> list[int]:
    """The order in which this juror sees their nominations: shuffled per juror, so no nomination is
    always read first or last, and reproducible from the plan's seed."""
    order = sorted(nominations)
    _rng(f"{seed}:{juror}").shuffle(order)
    return order
