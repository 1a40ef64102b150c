"""Reads of the verdict: the results page of the jury chair and the organisers, and what the public
sees of a result (nothing until the announcement is published)."""

from dataclasses import dataclass, field
from datetime import datetime

from django.http import Http404
from django.utils.text import get_text_list
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from awards.models import Edition
from core.db import model_columns, model_from_values, prepared_read
from core.i18n import localized
from jury.models import ConflictDeclaration
from nominations.models import Nomination

from .models import Announcement, Finalist, TallyRun, TieDecision, WinnerApproval

# ---------------------------------------------------------------------------------------------------
# The ranking with the chair's tie decisions applied


def tie_group(entry: dict) -> frozenset[int] | None:
    """The nominations the edition's rules left tied with this one for the chair to order, or None."""
    tie = entry.get("tie") or {}
    if not tie.get("needs_chair"):
        return None
    return frozenset([int(entry["nomination"]), *(int(n) for n in tie.get("with") or [])])


def tie_groups(result: dict) -> list[frozenset[int]]:
    groups: list[frozenset[int]] = []
    for entry in result.get("ranking") or []:
        group = tie_group(entry)
        if group is not None and group not in groups:
            groups.append(group)
    return groups


def decisions_by_group(decisions) -> dict[frozenset[int], TieDecision]:
    """The latest decision for each tied group (a later decision replaces an earlier one)."""
    latest: dict[frozenset[int], TieDecision] = {}
    for decision in sorted(decisions, key=lambda d: (d.decided_at, d.pk)):
        latest[frozenset(int(n) for n in decision.order)] = decision
    return latest


def effective_ranking(result: dict, decisions) -> list[dict]:
    """The tally's ranking with each decided tie put in the chair's order. Entries are copied, each with
    `tie_decision` (the TieDecision or None) and `undecided` (a tie still waiting for the chair)."""
    ranking = [dict(entry) for entry in result.get("ranking") or []]
    decided = decisions_by_group(decisions)
    for entry in ranking:
        group = tie_group(entry)
        entry["tie_decision"] = decided.get(group) if group else None
        entry["undecided"] = group is not None and group not in decided
    for group, decision in decided.items():
        indices = [i for i, entry in enumerate(ranking) if int(entry["nomination"]) in group]
        if len(indices) != len(group):
            continue  # a decision about another tally's tie
        by_id = {int(ranking[i]["nomination"]): ranking[i] for i in indices}
        first_position = min(ranking[i].get("position") or 0 for i in indices)
        for offset, (index, nomination_id) in enumerate(zip(indices, decision.order, strict=True)):
            entry = by_id[int(nomination_id)]
            entry["position"] = first_position + offset
            ranking[index] = entry
    return ranking


def first_place_of(result: dict, decisions) -> int | None:
    """The nomination in first place, or None when nobody is ranked or the chair has still to settle a
    tie for first place."""
    ranking = effective_ranking(result, decisions)
    if not ranking or ranking[0]["undecided"]:
        return None
    return int(ranking[0]["nomination"])


def nomination_ids_in(result: dict) -> list[int]:
    """Every nomination the tally reports on: the ranked ones, then those below quorum."""
    return [int(e["nomination"]) for e in (result.get("ranking") or []) + (result.get("below_quorum") or [])]


# ---------------------------------------------------------------------------------------------------
# Access


def edition_for_results_or_404(*, user, edition_id: int, perm: str | None = None) -> Edition:
    """The edition if the user may see its results (the chair and the organisers, after scoring
    closes) and, when `perm` is given, also holds that permission on it; 404 otherwise, so nothing is
    revealed, not even that the page exists."""
    edition = Edition.objects.select_related("award").filter(pk=edition_id).first()
    if edition is None or not user.has_perm("verdict.view_results", edition):
        raise Http404
    if perm is not None and not user.has_perm(perm, edition):
        raise Http404
    return edition


def tally_run_for_bundle(*, edition: Edition, run_id: str) -> TallyRun | None:
    """The tally named by `run_id` (digits), or the latest one."""
    if run_id.isdigit():
        return TallyRun.objects.filter(edition=edition, pk=int(run_id)).first()
    return tally_run_latest(edition=edition)


def tally_run_latest(*, edition: Edition) -> TallyRun | None:
    return TallyRun.objects.filter(edition=edition).order_by("-created_at", "-id").first()


# ---------------------------------------------------------------------------------------------------
# The results page

SETTLED_BY_LABELS = {
    "mean": _("the mean"),
    "median": _("the higher median"),
    "top_criterion": _("the highest-weighted criterion"),
    "chair": _("the jury chair"),
}

CHART_WIDTH = 200
CHART_HEIGHT = 48
CHART_BUCKETS = 10


def settled_by_label(value) -> str:
    if not value:
        return ""
    return str(SETTLED_BY_LABELS.get(value, value))


def distribution_bars(counts: list[int], scale_max: int) -> list[dict]:
    """Bar geometry for a score distribution drawn as inline SVG (attributes only: the CSP allows no
    inline styles). One bar per 10-point bucket of the 0 to 100 scale."""
    counts = list(counts or [])[:CHART_BUCKETS] + [0] * max(0, CHART_BUCKETS - len(counts or []))
    step = CHART_WIDTH / CHART_BUCKETS
    bars = []
    for index, count in enumerate(counts):
        height = round(count / scale_max * (CHART_HEIGHT - 2), 1) if scale_max else 0
        bars.append(
            {
                "x": round(index * step + 1, 1),
                "y": round(CHART_HEIGHT - height, 1),
                "width": round(step - 2, 1),
                "height": height,
                "count": count,
                "low": index * 10,
                "high": index * 10 + 10,
            }
        )
    return bars


@dataclass
class RankingRow:
    entry: dict
    nomination_id: int
    startup: str
    ranked: bool
    other_position: int | None
    criteria_means: list
    is_finalist: bool
    is_first_place: bool
    conflicted: bool
    bars: list[dict]
    settled_by: str
    tied_with: list[str]

    @property
    def raw(self) -> dict:
        return self.entry.get("raw") or {}

    @property
    def normalised_mean(self):
        return (self.entry.get("normalised") or {}).get("mean")

    @property
    def tie(self) -> dict:
        return self.entry.get("tie") or {}


@dataclass
class ResultsPage:
    edition: Edition
    tally: TallyRun | None
    runs: list[TallyRun]
    rows: list[RankingRow] = field(default_factory=list)
    below_quorum: list[RankingRow] = field(default_factory=list)
    criteria: list[dict] = field(default_factory=list)
    first_place_id: int | None = None
    undecided_groups: list[list[RankingRow]] = field(default_factory=list)
    decisions: list[TieDecision] = field(default_factory=list)
    finalist_ids: set[int] = field(default_factory=set)
    approval: WinnerApproval | None = None
    announcement: Announcement | None = None
    agreement_rows: list[dict] = field(default_factory=list)
    names: dict[int, str] = field(default_factory=dict)
    conflicted: set[int] = field(default_factory=set)

    @property
    def result(self) -> dict:
        return self.tally.result if self.tally else {}

    def name_of(self, nomination_id) -> str:
        return self.names.get(int(nomination_id), f"#{nomination_id}") if nomination_id is not None else ""

    @property
    def stability_rows(self) -> list[dict]:
        stability = self.result.get("stability") or {}
        return [
            {"juror": row.get("juror"), "winner": self.name_of(row.get("winner"))}
            for row in stability.get("leave_one_out") or []
        ]

    @property
    def what_if(self) -> "WhatIf | None":
        return what_if_of(self.result, self.names, conflicted=self.conflicted)

    @property
    def is_published(self) -> bool:
        return self.announcement is not None and self.announcement.published_at is not None


def _row(entry: dict, *, result, criteria, finalist_ids, first_place_id, conflicted, names, scale_max) -> RankingRow:
    nomination_id = int(entry["nomination"])
    means = entry.get("criteria") or {}
    other = (result.get("other_method_positions") or {}).get(str(nomination_id))
    hidden = nomination_id in conflicted
    tie = entry.get("tie") or {}
    return RankingRow(
        entry=entry,
        nomination_id=nomination_id,
        startup=names.get(nomination_id) or entry.get("startup") or f"#{nomination_id}",
        ranked="position" in entry,
        other_position=other,
        criteria_means=[means.get(str(c["id"])) for c in criteria] if not hidden else [],
        is_finalist=nomination_id in finalist_ids,
        is_first_place=nomination_id == first_place_id,
        conflicted=hidden,
        bars=[]
        if hidden
        else distribution_bars((result.get("distributions") or {}).get(str(nomination_id)), scale_max),
        settled_by=settled_by_label(tie.get("settled_by")),
        tied_with=[names.get(int(n)) or f"#{n}" for n in tie.get("with") or []],
    )


def results_page(*, edition: Edition, user) -> ResultsPage:
    """Everything the results page shows, from the latest tally of the edition. A chair with a conflict
    of interest sees where a conflicted nomination is ranked, but not its per-criterion means nor its
    score distribution (what its scorecards say)."""
    runs = list(TallyRun.objects.filter(edition=edition).order_by("-created_at", "-id")[:10])
    tally = runs[0] if runs else None
    page = ResultsPage(edition=edition, tally=tally, runs=runs)
    page.finalist_ids = set(Finalist.objects.filter(edition=edition).values_list("nomination_id", flat=True))
    page.approval = (
        WinnerApproval.objects.filter(edition=edition).select_related("winner", "first_place", "approved_by").first()
    )
    page.announcement = Announcement.objects.filter(edition=edition).first()
    if tally is None:
        return page

    result = tally.result
    page.decisions = list(TieDecision.objects.filter(tally_run=tally).select_related("decided_by"))
    ids = nomination_ids_in(result)
    page.names = dict(Nomination.objects.filter(pk__in=ids).values_list("pk", "startup_name"))
    conflicted: set[int] = set()
    if not user.has_perm("jury.manage_jury"):
        conflicted = set(
            ConflictDeclaration.objects.filter(juror=user, has_conflict=True, nomination_id__in=ids).values_list(
                "nomination_id", flat=True
            )
        )
    page.conflicted = conflicted
    page.criteria = [
        {**criterion, "name": localized_criterion_name(criterion)} for criterion in result.get("criteria") or []
    ]
    page.first_place_id = first_place_of(result, page.decisions)
    scale_max = max((max(c or [0]) for c in (result.get("distributions") or {}).values()), default=0)
    common = {
        "result": result,
        "criteria": page.criteria,
        "finalist_ids": page.finalist_ids,
        "first_place_id": page.first_place_id,
        "conflicted": conflicted,
        "names": page.names,
        "scale_max": scale_max,
    }
    page.rows = [_row(entry, **common) for entry in effective_ranking(result, page.decisions)]
    page.below_quorum = [_row(entry, **common) for entry in result.get("below_quorum") or []]
    by_id = {row.nomination_id: row for row in page.rows}
    for group in tie_groups(result):
        rows = [by_id[n] for n in sorted(group) if n in by_id]
        if rows and rows[0].entry.get("undecided"):
            page.undecided_groups.append(sorted(rows, key=lambda r: (r.entry.get("position") or 0, r.startup)))
    agreement = result.get("agreement") or {}
    per_criterion = agreement.get("per_criterion") or {}
    page.agreement_rows = [
        {"name": criterion["name"], "w": per_criterion.get(str(criterion["id"]))} for criterion in page.criteria
    ]
    return page


def localized_criterion_name(criterion: dict) -> str:
    first, second = ("name_en", "name_sv") if (get_language() or "sv")[:2] == "en" else ("name_sv", "name_en")
    return criterion.get(first) or criterion.get(second) or ""


@dataclass
class WhatIfChange:
    criterion: str
    before: int
    after: int


@dataclass
class WhatIf:
    """The tally's "what would change the winner" (see `what_if` in jury/verdict/tally.py), with names
    for the ids. `juror` is empty when no change to one scorecard alone swaps first and second place;
    `hidden` when the reader has a conflict of interest with the nomination whose scores it names."""

    first: str
    second: str
    juror: str = ""
    startup: str = ""
    direction: str = ""
    steps: int = 0
    changes: list[WhatIfChange] = field(default_factory=list)
    hidden: bool = False

    @property
    def changes_text(self) -> str:
        """The changed scores as one phrase in the active language, such as "2 instead of 4 on Innovation
        and 4 instead of 5 on Team"."""
        return get_text_list(
            [
                # Translators: one changed score in "what would change the winner": new score, old score, criterion.
                _("%(after)s instead of %(before)s on %(criterion)s")
                % {"after": change.after, "before": change.before, "criterion": change.criterion}
                for change in self.changes
            ],
            # Translators: joins the last two changed scores of "what would change the winner".
            str(_("and")),
        )


def what_if_of(result: dict, names: dict[int, str], *, conflicted: set[int] = frozenset()) -> WhatIf | None:
    """The result's what-if document with startup and criterion names (in the active language), or None
    when the tally has none (fewer than two ranked, first place tied, or the normalised method)."""
    what_if = result.get("what_if")
    if not isinstance(what_if, dict) or what_if.get("first") is None or what_if.get("second") is None:
        return None

    def name(nomination_id) -> str:
        return names.get(int(nomination_id), f"#{nomination_id}")

    made = WhatIf(first=name(what_if["first"]), second=name(what_if["second"]))
    if not what_if.get("juror") or what_if.get("nomination") is None:
        return made
    criteria = {str(c.get("id")): localized_criterion_name(c) for c in result.get("criteria") or []}
    made.juror = str(what_if["juror"])
    made.startup = name(what_if["nomination"])
    made.direction = what_if.get("direction") or ""
    made.steps = int(what_if.get("steps") or 0)
    made.hidden = int(what_if["nomination"]) in conflicted
    if not made.hidden:
        made.changes = [
            WhatIfChange(
                criterion=criteria.get(str(change.get("criterion"))) or f"#{change.get('criterion')}",
                before=change.get("from"),
                after=change.get("to"),
            )
            for change in what_if.get("changes") or []
        ]
    return made


def finalist_candidates(*, edition: Edition) -> list[Nomination]:
    """The nominations that may be marked finalists: those still in the competition."""
    return list(
        Nomination.objects.filter(
            edition=edition,
            status__in=[Nomination.Status.ELIGIBLE, Nomination.Status.FINALIST, Nomination.Status.WINNER],
        ).order_by("startup_name")
    )


# ---------------------------------------------------------------------------------------------------
# What the public sees


@dataclass
class PublicResult:
    """The published result of an edition. `published` is False (and nothing else is filled in) until
    the announcement is published, whatever the edition's timeline says."""

    published: bool = False
    published_at: datetime | None = None
    text: str = ""
    winner: Nomination | None = None
    finalists: list[Nomination] = field(default_factory=list)


def _published_announcement_sql(connection) -> str:
    table = connection.ops.quote_name(Announcement._meta.db_table)
    return (
        f"SELECT {model_columns(Announcement, 'a', connection)} FROM {table} a "  # noqa: S608  # nosec B608 - our table and columns; the value as %s
        "WHERE a.edition_id = %s AND a.published_at IS NOT NULL"
    )


def published_announcement(*, edition: Edition) -> Announcement | None:
    """The edition's announcement if it is published, as
    Announcement.objects.filter(edition=edition, published_at__isnull=False).first() gives it, read with one
    plain SQL statement: the public edition page asks on every request, and the ORM took longer to build that
    query than the database took to answer it. At most one row: an edition has one announcement."""
    connection, row = prepared_read(Announcement, _published_announcement_sql, [edition.pk])
    return None if row is None else model_from_values(Announcement, row, connection)


def public_result(*, edition: Edition | None) -> PublicResult:
    if edition is None:
        return PublicResult()
    announcement = published_announcement(edition=edition)
    if announcement is None:
        return PublicResult()
    nominations = list(
        Nomination.objects.filter(
            edition=edition, status__in=[Nomination.Status.WINNER, Nomination.Status.FINALIST]
        ).order_by("startup_name")
    )
    return PublicResult(
        published=True,
        published_at=announcement.published_at,
        text=localized(announcement, "text"),
        winner=next((n for n in nominations if n.status == Nomination.Status.WINNER), None),
        finalists=[n for n in nominations if n.status == Nomination.Status.FINALIST],
    )
