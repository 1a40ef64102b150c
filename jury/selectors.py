"""Reads of the jury app. Views and tasks fetch jury data only through these functions, with their
joins done once, so a page costs the same number of queries for 5 assignments as for 500."""

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from urllib.parse import urlsplit

from django.core.paginator import Page, Paginator
from django.db import connection, models
from django.db.models import (
    Case,
    Count,
    Max,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from awards.models import Award, Criterion, CriterionLevel, Edition, Phase
from core.db import model_columns, models_from_row, prepared_cursor, prepared_read
from nominations.models import Nomination
from nominations.selectors import nomination_get_for_user_or_404

from .models import (
    Assignment,
    ConflictDeclaration,
    Invitation,
    JuryMember,
    JuryPlan,
    ReminderSent,
    Scorecard,
    ScoreEvent,
    hash_token,
)
from .rules import is_conflicted, is_seated_juror

# ---------------------------------------------------------------------------------------------------
# Seats


def user_is_seated_juror(*, user) -> bool:
    """On the jury of any edition: the rule jury.rules.is_seated_juror (the menu's jury link asks it on every
    logged-in page; for the logged-in user it was read with the session)."""
    return is_seated_juror(user)


# ---------------------------------------------------------------------------------------------------
# Conflict-of-interest suggestions: computed on the fly from the data, never stored.

# Shared mail services: an address there says nothing about where a person works.
COMMON_MAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "outlook.se",
        "hotmail.com",
        "hotmail.se",
        "live.com",
        "live.se",
        "msn.com",
        "yahoo.com",
        "yahoo.se",
        "icloud.com",
        "me.com",
        "mac.com",
        "proton.me",
        "protonmail.com",
        "aol.com",
        "gmx.com",
        "telia.com",
        "bredband.net",
    }
)

# Suggestion reasons: a code and what the organiser reads.
REASON_EMAIL_DOMAIN = "email_domain"
REASON_NAME_IN_TEAM = "name_in_team"
REASON_LABELS = {
    REASON_EMAIL_DOMAIN: _("The juror's e-mail domain is the startup's website domain."),
    REASON_NAME_IN_TEAM: _("The juror's name appears in the startup's team description."),
}
# The same, as the juror reads it on their own form.
REASON_LABELS_FOR_JUROR = {
    REASON_EMAIL_DOMAIN: _("Your e-mail domain is the startup's website domain."),
    REASON_NAME_IN_TEAM: _("Your name appears in the startup's team description."),
}

# Nominations that jurors may be assigned: submitted and not screened out or withdrawn.
LIVE_NOMINATION_STATUSES = (
    Nomination.Status.SUBMITTED,
    Nomination.Status.ELIGIBLE,
    Nomination.Status.FINALIST,
    Nomination.Status.WINNER,
)


def _bare_domain(host: str) -> str:
    host = (host or "").strip().lower().rstrip(".")
    return host.removeprefix("www.")


def website_domain(url: str) -> str:
    if not url:
        return ""
    try:
        host = urlsplit(url if "//" in url else f"//{url}").hostname or ""
    except ValueError:
        return ""
    return _bare_domain(host)


def email_domain(email: str) -> str:
    _local, at, domain = (email or "").rpartition("@")
    return _bare_domain(domain) if at else ""


def _normalised(text: str) -> str:
    return " ".join((text or "").split()).casefold()


def name_appears_in(name: str, text: str) -> bool:
    """The full name, as whole words and ignoring case and spacing. A one-word name is too common
    to suggest anything."""
    name = _normalised(name)
    if len(name.split()) < 2:
        return False
    return re.search(rf"(?<!\w){re.escape(name)}(?!\w)", _normalised(text)) is not None


def conflict_reasons(*, user, nomination: Nomination) -> list[str]:
    """Why the juror may have a conflict with the nomination; empty when nothing suggests one."""
    reasons = []
    domain = email_domain(user.email)
    if domain and domain not in COMMON_MAIL_DOMAINS and domain == website_domain(nomination.website):
        reasons.append(REASON_EMAIL_DOMAIN)
    if name_appears_in(user.name, nomination.team):
        reasons.append(REASON_NAME_IN_TEAM)
    return reasons


@dataclass(frozen=True)
class ConflictSuggestion:
    juror: object
    nomination: Nomination
    reasons: tuple[str, ...]
    declaration: ConflictDeclaration | None

    @property
    def reason_labels(self) -> list[str]:
        return [REASON_LABELS[reason] for reason in self.reasons]

    @property
    def is_open(self) -> bool:
        """Still for an organiser to confirm or dismiss: nobody recorded anything, or only the juror
        said "no conflict"."""
        d = self.declaration
        return d is None or (d.source == ConflictDeclaration.Source.JUROR and not d.has_conflict)


def conflict_suggestions_for_edition(*, edition: Edition) -> list[ConflictSuggestion]:
    """Every (juror, nomination) pair of the edition that the data suggests is conflicted, with what
    has been recorded for it. Three queries whatever the size of the jury."""
    members = list(JuryMember.objects.filter(edition=edition).select_related("user"))
    nominations = list(
        Nomination.objects.filter(edition=edition, status__in=LIVE_NOMINATION_STATUSES).only(
            "pk", "edition_id", "startup_name", "org_number", "website", "team"
        )
    )
    declarations = {
        (d.juror_id, d.nomination_id): d for d in ConflictDeclaration.objects.filter(nomination__edition=edition)
    }
    suggestions = []
    for member in members:
        for nomination in nominations:
            reasons = conflict_reasons(user=member.user, nomination=nomination)
            if reasons:
                suggestions.append(
                    ConflictSuggestion(
                        juror=member.user,
                        nomination=nomination,
                        reasons=tuple(reasons),
                        declaration=declarations.get((member.user_id, nomination.pk)),
                    )
                )
    return suggestions


def conflict_declarations_for_edition(*, edition: Edition) -> QuerySet[ConflictDeclaration]:
    return (
        ConflictDeclaration.objects.filter(nomination__edition=edition)
        .select_related("juror", "nomination", "recorded_by")
        .order_by("nomination__startup_name", "juror__name", "juror__email")
    )


def jury_members_for_edition(*, edition: Edition) -> QuerySet[JuryMember]:
    return JuryMember.objects.filter(edition=edition).select_related("user")


def live_nominations_for_edition(*, edition: Edition) -> QuerySet[Nomination]:
    return Nomination.objects.filter(edition=edition, status__in=LIVE_NOMINATION_STATUSES).order_by("startup_name")


# ---------------------------------------------------------------------------------------------------
# The juror's own assignments


def _released_assignments(*, user) -> QuerySet[Assignment]:
    """The juror's assignments in released plans of editions where they are still seated."""
    return Assignment.objects.filter(
        juror=user,
        edition__jury_plan__released_at__isnull=False,
        edition__jury__user=user,
    )


@dataclass(frozen=True)
class ConflictRow:
    assignment: Assignment
    declaration: ConflictDeclaration | None
    reasons: tuple[str, ...]

    @property
    def nomination(self) -> Nomination:
        return self.assignment.nomination

    @property
    def reason_labels(self) -> list[str]:
        return [REASON_LABELS_FOR_JUROR[reason] for reason in self.reasons]

    @property
    def locked(self) -> bool:
        """An organiser recorded a conflict: the juror cannot undo it."""
        d = self.declaration
        return d is not None and d.has_conflict and d.source == ConflictDeclaration.Source.ORGANISER


def conflict_rows_for_juror(*, user, now: datetime | None = None) -> list[ConflictRow]:
    """What the juror declares on: each released assignment whose scoring has not closed, in the
    juror's own order, showing only the nomination's name, organisation number, website and pitch."""
    now = now or timezone.now()
    assignments = (
        _released_assignments(user=user)
        .filter(edition__scoring_close_at__gt=now)
        .select_related("edition__award", "nomination")
        .only(
            "pk",
            "position",
            "edition__id",
            "edition__year",
            "edition__award__name",
            "edition__scoring_open_at",
            "edition__scoring_close_at",
            "nomination__id",
            "nomination__edition_id",
            "nomination__startup_name",
            "nomination__org_number",
            "nomination__website",
            "nomination__pitch",
            "nomination__team",
        )
        .order_by("edition__year", "edition_id", "position", "pk")
    )
    declarations = {
        d.nomination_id: d
        for d in ConflictDeclaration.objects.filter(juror=user, nomination__in=[a.nomination_id for a in assignments])
    }
    return [
        ConflictRow(
            assignment=a,
            declaration=declarations.get(a.nomination_id),
            reasons=tuple(conflict_reasons(user=user, nomination=a.nomination)),
        )
        for a in assignments
    ]


# ---------------------------------------------------------------------------------------------------
# The juror's dashboard

FILTER_ALL = "all"
FILTER_TO_SCORE = "to_score"
FILTER_DRAFTS = "drafts"
FILTER_SUBMITTED = "submitted"
DASHBOARD_FILTERS = (FILTER_ALL, FILTER_TO_SCORE, FILTER_DRAFTS, FILTER_SUBMITTED)

ROW_UNDECLARED = "undeclared"
ROW_NOT_STARTED = "not_started"
ROW_DRAFT = "draft"
ROW_SUBMITTED = "submitted"

ROWS_IN_FILTER = {
    FILTER_ALL: {ROW_UNDECLARED, ROW_NOT_STARTED, ROW_DRAFT, ROW_SUBMITTED},
    FILTER_TO_SCORE: {ROW_UNDECLARED, ROW_NOT_STARTED, ROW_DRAFT},
    FILTER_DRAFTS: {ROW_DRAFT},
    FILTER_SUBMITTED: {ROW_SUBMITTED},
}


@dataclass(frozen=True)
class DashboardRow:
    """One assigned nomination on the dashboard: what the list shows, not the models (read as values)."""

    nomination_id: int
    startup_name: str
    pitch: str
    state: str


# Rows on one page of an edition's list: a juror may have hundreds of nominations.
DASHBOARD_PAGE_SIZE = 25


@dataclass
class EditionDashboard:
    member: JuryMember
    released: bool
    now: datetime
    state_counts: dict[str, int] = field(default_factory=dict)  # by row state; conflicted ones left out
    conflicted: int = 0
    show: str = FILTER_ALL
    page: Page | None = None  # of the list under `show`
    rows: list[DashboardRow] = field(default_factory=list)  # that page's rows

    @property
    def edition(self) -> Edition:
        return self.member.edition

    @property
    def phase(self) -> Phase:
        return self.edition.phase_at(self.now)

    @property
    def scoring_not_open_yet(self) -> bool:
        return self.now < self.edition.scoring_open_at

    @property
    def scoring_open(self) -> bool:
        return self.phase == Phase.SCORING

    @property
    def scoring_closed(self) -> bool:
        return self.now >= self.edition.scoring_close_at

    def _count(self, state: str) -> int:
        return self.state_counts.get(state, 0)

    @property
    def assigned(self) -> int:
        return sum(self.state_counts.values())

    @property
    def submitted(self) -> int:
        return self._count(ROW_SUBMITTED)

    @property
    def drafts(self) -> int:
        return self._count(ROW_DRAFT)

    @property
    def undeclared(self) -> int:
        return self._count(ROW_UNDECLARED)

    @property
    def to_score(self) -> int:
        return self.assigned - self.submitted

    @property
    def percent_submitted(self) -> int:
        return round(100 * self.submitted / self.assigned) if self.assigned else 0

    def counts(self) -> dict[str, int]:
        return {
            FILTER_ALL: self.assigned,
            FILTER_TO_SCORE: self.to_score,
            FILTER_DRAFTS: self.drafts,
            FILTER_SUBMITTED: self.submitted,
        }


def _row_state(conflict: bool | None, card_status: str | None) -> str:
    if card_status == Scorecard.Status.SUBMITTED:
        return ROW_SUBMITTED
    if conflict is None:
        return ROW_UNDECLARED
    if card_status == Scorecard.Status.DRAFT:
        return ROW_DRAFT
    return ROW_NOT_STARTED


# The juror's released assignments in some editions with their own conflict answer (`has_conflict`: NULL if
# not given) and scorecard status (`status`: NULL if none), as LEFT JOINs on the one-per-juror-and-nomination
# rows: the CTE `answered`, which the counts and the page both read, so the joins run once a request.
# Written as SQL: the dashboard runs this on every request, and the ORM took longer to build and compile its
# querysets (1-2 ms each) than the database took to answer. Parameters: the juror (three times), the editions.
_ANSWERED_CTE_SQL = """answered AS (
    SELECT a.edition_id, d.has_conflict, c.status, a.nomination_id, a.position, a.id AS assignment_id
    FROM jury_assignment a
    LEFT OUTER JOIN jury_conflictdeclaration d ON d.nomination_id = a.nomination_id AND d.juror_id = %s
    LEFT OUTER JOIN jury_scorecard c ON c.nomination_id = a.nomination_id AND c.juror_id = %s
    WHERE a.juror_id = %s AND a.edition_id IN ({editions})
)"""

# The rows of each filter (ROWS_IN_FILTER) as a condition on `answered`: the same states as _row_state(),
# conflicted assignments left out. Explicit about NULLs: both come from LEFT JOINs.
_NOT_CONFLICTED_SQL = "(has_conflict IS NULL OR NOT has_conflict)"
_ROWS_WHERE_SQL = {
    FILTER_ALL: (_NOT_CONFLICTED_SQL, []),
    FILTER_TO_SCORE: (f"{_NOT_CONFLICTED_SQL} AND (status IS NULL OR status = %s)", [Scorecard.Status.DRAFT]),
    FILTER_DRAFTS: ("NOT has_conflict AND status = %s", [Scorecard.Status.DRAFT]),
    FILTER_SUBMITTED: (f"{_NOT_CONFLICTED_SQL} AND status = %s", [Scorecard.Status.SUBMITTED]),
}

# A page's first row past this is not asked of the database: Paginator turns such a number into the last page.
_MAX_GUESSED_OFFSET = 2**31 - 1


@dataclass
class _CountsAndPage:
    counts: list[tuple[int, bool | None, str | None, int]]  # (edition id, conflict, card status, how many)
    rows: list[tuple[int, bool | None, str | None, int, str, str]]  # (edition id, conflict, card status,
    # nomination id, startup name, pitch) in each edition's list order


def _assignment_counts_and_page(*, user, show: str, offsets: dict[int, int], per_page: int) -> _CountsAndPage:
    """In one statement: the juror's assignments in these editions counted by (answer, scorecard status), and
    the rows under the filter `show` on each edition's page, the page starting after `offsets[edition id]`
    rows of its list, in the juror's own order, with the nominations' names and pitches."""
    edition_ids = list(offsets)
    where, where_params = _ROWS_WHERE_SQL[show]
    answered = _ANSWERED_CTE_SQL.format(editions=", ".join(["%s"] * len(edition_ids)))
    params = [user.pk, user.pk, user.pk, *edition_ids, *where_params]
    if len(edition_ids) == 1:
        page = f"SELECT * FROM answered WHERE {where} ORDER BY position, assignment_id LIMIT %s OFFSET %s"  # noqa: S608  # nosec B608 - our SQL, values as %s
        params += [per_page, offsets[edition_ids[0]]]
    else:
        # Several editions' pages at once: number each edition's list and keep its page.
        numbered = (
            "SELECT *, ROW_NUMBER() OVER (PARTITION BY edition_id ORDER BY position, assignment_id) AS number "  # noqa: S608  # nosec B608 - our SQL, values as %s
            f"FROM answered WHERE {where}"
        )
        pages = " OR ".join(["(edition_id = %s AND number > %s AND number <= %s)"] * len(edition_ids))
        page = f"SELECT * FROM ({numbered}) numbered WHERE {pages}"  # noqa: S608  # nosec B608 - our SQL, values as %s
        for edition_id, offset in offsets.items():
            params += [edition_id, offset, offset + per_page]
    # Count rows have a count and no nomination; page rows the reverse. The nominations' names and pitches
    # are joined to the page's rows only, not to the whole list.
    sql = (
        f"WITH {answered}, page AS ({page}) "  # noqa: S608  # nosec B608 - our SQL, values as %s
        "SELECT edition_id, has_conflict, status, COUNT(*), NULL, NULL, NULL, NULL, NULL FROM answered "
        "GROUP BY edition_id, has_conflict, status "
        "UNION ALL "
        "SELECT p.edition_id, p.has_conflict, p.status, NULL, p.nomination_id, n.startup_name, n.pitch, "
        "p.position, p.assignment_id FROM page p INNER JOIN nominations_nomination n ON n.id = p.nomination_id "
        "ORDER BY 1, 8, 9"
    )
    result = _CountsAndPage(counts=[], rows=[])
    with prepared_cursor(connection) as cursor:
        cursor.execute(sql, params)
        for edition_id, conflict, status, n, nomination_id, name, pitch, _position, _id in cursor:
            if n is None:
                result.rows.append((edition_id, _bool(conflict), status, nomination_id, name, pitch))
            else:
                result.counts.append((edition_id, _bool(conflict), status, n))
    return result


def _requested_offset(requested, per_page: int) -> int:
    """The rows before the page asked for, if it is a page number Paginator.get_page() keeps; anything else
    it turns into the first or the last page, which only the counts tell: 0 then (checked afterwards)."""
    try:
        number = int(requested)
    except (TypeError, ValueError):
        return 0
    offset = (number - 1) * per_page
    return offset if 0 < offset <= _MAX_GUESSED_OFFSET else 0


def _bool(value) -> bool | None:
    # SQLite answers 0/1 for a boolean column.
    return None if value is None else bool(value)


def _seats_sql(connection) -> str:
    quote = connection.ops.quote_name
    tables = {model: quote(model._meta.db_table) for model in (JuryMember, Edition, Award, JuryPlan)}
    return (
        f"SELECT {model_columns(JuryMember, 'm', connection)}, {model_columns(Edition, 'e', connection)}, "  # noqa: S608  # nosec B608 - our tables and columns; the value as %s
        f"{model_columns(Award, 'a', connection)}, {model_columns(JuryPlan, 'p', connection)} "
        f"FROM {tables[JuryMember]} m INNER JOIN {tables[Edition]} e ON e.id = m.edition_id "
        f"INNER JOIN {tables[Award]} a ON a.id = e.award_id "
        f"LEFT OUTER JOIN {tables[JuryPlan]} p ON p.edition_id = e.id "
        "WHERE m.user_id = %s ORDER BY e.year DESC, m.edition_id DESC"
    )


def _seats_with_editions(*, user) -> list[JuryMember]:
    """The user's seats, newest edition first, each with its edition, award and jury plan (or none), as
    select_related("edition__award", "edition__jury_plan") gives them, in one plain SQL statement."""
    connection, rows = prepared_read(JuryMember, _seats_sql, [user.pk], many=True)
    plan_cache = Edition._meta.get_field("jury_plan")  # the reverse one-to-one: None caches "no plan"
    members = []
    for row in rows:
        member, edition, award, plan = models_from_row(row, [JuryMember, Edition, Award, JuryPlan], connection)
        edition.award = award
        plan_cache.set_cached_value(edition, plan)
        if plan is not None:
            plan.edition = edition
        member.edition = edition
        members.append(member)
    return members


def juror_dashboard(
    *,
    user,
    show: str = FILTER_ALL,
    pages: dict[int, str] | None = None,
    per_page: int = DASHBOARD_PAGE_SIZE,
    now: datetime | None = None,
) -> list[EditionDashboard]:
    """Each edition the user sits on, newest first, with the counts of their released assignments by
    state, and one page of those under the filter `show`, in the juror's own shuffled order. `pages`
    maps an edition's id to the page asked for (anything Paginator.get_page() takes). Two queries,
    however many assignments and editions (three when a page asked for does not exist)."""
    now = now or timezone.now()
    if show not in _ROWS_WHERE_SQL:
        show = FILTER_ALL
    states = ROWS_IN_FILTER[show]
    pages = pages or {}
    members = _seats_with_editions(user=user)
    boards = {}
    for member in members:
        plan = getattr(member.edition, "jury_plan", None)
        boards[member.edition_id] = EditionDashboard(
            member=member, released=plan is not None and plan.released_at is not None, now=now, show=show
        )
    released_ids = [edition_id for edition_id, board in boards.items() if board.released]
    if not released_ids:
        return list(boards.values())

    # The counts and the page asked for, in one statement; when that page does not exist (the counts
    # tell), Paginator shows the last or the first one, read with a second statement.
    requested = {edition_id: _requested_offset(pages.get(edition_id), per_page) for edition_id in released_ids}
    answer = _assignment_counts_and_page(user=user, show=show, offsets=requested, per_page=per_page)
    for edition_id, conflict, card_status, n in answer.counts:
        board = boards[edition_id]
        if conflict:
            board.conflicted += n
        else:
            state = _row_state(conflict, card_status)
            board.state_counts[state] = board.state_counts.get(state, 0) + n
    offsets = {}
    for edition_id in released_ids:
        board = boards[edition_id]
        listed = sum(board.state_counts.get(state, 0) for state in states)
        board.page = Paginator(range(listed), per_page).get_page(pages.get(edition_id))
        offsets[edition_id] = board.page.start_index() - 1 if listed else 0
    if offsets != requested:
        answer = _assignment_counts_and_page(user=user, show=show, offsets=offsets, per_page=per_page)
    rows = answer.rows
    for edition_id, conflict, card_status, nomination_id, startup_name, pitch in rows:
        row = DashboardRow(
            nomination_id=nomination_id,
            startup_name=startup_name,
            pitch=pitch,
            state=_row_state(conflict, card_status),
        )
        boards[edition_id].rows.append(row)
    return list(boards.values())


# ---------------------------------------------------------------------------------------------------
# Scoring


def nomination_for_juror_or_404(*, user, pk: int) -> Nomination:
    """The nomination if the user is an assigned, unconflicted juror with MFA; 404 otherwise."""
    return nomination_get_for_user_or_404(user=user, pk=pk, perm="jury.view_assigned_nomination")


def conflict_declaration_for(*, user, nomination: Nomination) -> ConflictDeclaration | None:
    return ConflictDeclaration.objects.filter(juror=user, nomination=nomination).first()


def rubric_for_edition(*, edition: Edition) -> list[Criterion]:
    """The edition's criteria in order, each with its level descriptors."""
    return list(
        Criterion.objects.filter(edition=edition).prefetch_related(
            Prefetch("levels", queryset=CriterionLevel.objects.order_by("value"))
        )
    )


def scorecard_for_juror(*, user, nomination: Nomination) -> Scorecard | None:
    """The juror's own scorecard, never anybody else's."""
    return Scorecard.objects.filter(juror=user, nomination=nomination).prefetch_related("scores").first()


def scorecard_receipt(*, scorecard: Scorecard | None) -> str:
    """The hash of the chain event that recorded the scorecard's latest submission ("" if none)."""
    if scorecard is None or scorecard.status != Scorecard.Status.SUBMITTED:
        return ""
    event = ScoreEvent.objects.filter(scorecard=scorecard, kind=ScoreEvent.Kind.SUBMITTED).order_by("-seq").first()
    return event.hash if event else ""


def nomination_for_scorecards_or_404(*, user, pk: int) -> Nomination:
    """The nomination whose scorecards the user may read: the chair and the organisers, once scoring
    has closed; a chair with a conflict of interest does not see them. 404 otherwise."""
    nomination = Nomination.objects.select_related("edition__award").filter(pk=pk).first()
    if nomination is None or not user.has_perm("jury.view_all_scorecards", nomination.edition):
        raise Http404
    if not user.has_perm("jury.manage_jury") and is_conflicted(user, nomination):
        raise Http404
    return nomination


@dataclass(frozen=True)
class ScorecardView:
    scorecard: Scorecard
    values: dict[int, int]
    weighted_mean: Decimal | None


def scorecards_for_nomination(*, nomination: Nomination, criteria: list[Criterion]) -> list[ScorecardView]:
    """Every juror's scorecard of the nomination, submitted ones first, each with its weighted mean."""
    scorecards = (
        Scorecard.objects.filter(nomination=nomination)
        .select_related("juror")
        .prefetch_related("scores")
        .order_by("-status", "juror__name", "juror__email")
    )
    weights = {c.pk: c.weight for c in criteria}
    views = []
    for card in scorecards:
        values = {s.criterion_id: s.value for s in card.scores.all()}
        scored = [(weights[cid], v) for cid, v in values.items() if cid in weights]
        total_weight = sum(w for w, _v in scored)
        mean = (sum(w * v for w, v in scored) / total_weight).quantize(Decimal("0.01")) if total_weight else None
        views.append(ScorecardView(scorecard=card, values=values, weighted_mean=mean))
    return views


# ---------------------------------------------------------------------------------------------------
# Invitations and the jury's membership, for the organiser's invitations page and the accept page


class InvitationState(models.TextChoices):
    """Derived from the invitation's timestamps and the clock, never stored."""

    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")


def invitation_state(invitation: Invitation, now: datetime | None = None) -> str:
    if invitation.accepted_at is not None:
        return InvitationState.ACCEPTED
    if invitation.revoked_at is not None:
        return InvitationState.REVOKED
    if invitation.expires_at <= (now or timezone.now()):
        return InvitationState.EXPIRED
    return InvitationState.PENDING


def edition_for_jury_manager_or_404(*, user, edition_id: int) -> Edition:
    """The edition if the user manages its jury; 404 otherwise, so the page is not revealed."""
    edition = Edition.objects.select_related("award").filter(pk=edition_id).first()
    if edition is None or not user.has_perm("jury.manage_jury", edition):
        raise Http404
    return edition


def invitation_for_jury_manager_or_404(*, user, pk: int) -> Invitation:
    invitation = Invitation.objects.select_related("edition__award").filter(pk=pk).first()
    if invitation is None or not user.has_perm("jury.manage_jury", invitation.edition):
        raise Http404
    return invitation


def jury_member_for_jury_manager_or_404(*, user, pk: int) -> JuryMember:
    member = JuryMember.objects.select_related("edition__award", "user").filter(pk=pk).first()
    if member is None or not user.has_perm("jury.manage_jury", member.edition):
        raise Http404
    return member


def jury_members_with_submitted_counts(*, edition: Edition) -> QuerySet[JuryMember]:
    """The jury with, per member, how many scorecards they have submitted in the edition. One query."""
    submitted = (
        Scorecard.objects.filter(
            juror=OuterRef("user_id"), nomination__edition=OuterRef("edition_id"), status=Scorecard.Status.SUBMITTED
        )
        .order_by()
        .values("juror")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        JuryMember.objects.filter(edition=edition)
        .select_related("user")
        .annotate(submitted_scorecards=Coalesce(Subquery(submitted), 0))
        .order_by("user__name", "user__email")
    )


def invitations_for_edition(*, edition: Edition, now: datetime | None = None) -> QuerySet[Invitation]:
    """The edition's invitations, newest first, each annotated with its derived `state`."""
    now = now or timezone.now()
    return (
        Invitation.objects.filter(edition=edition)
        .select_related("invited_by", "accepted_by")
        .annotate(
            state=Case(
                When(accepted_at__isnull=False, then=Value(InvitationState.ACCEPTED.value)),
                When(revoked_at__isnull=False, then=Value(InvitationState.REVOKED.value)),
                When(expires_at__lte=now, then=Value(InvitationState.EXPIRED.value)),
                default=Value(InvitationState.PENDING.value),
                output_field=models.CharField(),
            )
        )
        .order_by("-created_at", "-pk")
    )


def invitation_for_token(*, token: str) -> Invitation | None:
    """The invitation whose link carries this token; None when no invitation has it (any more)."""
    if not token:
        return None
    return Invitation.objects.select_related("edition__award").filter(token_hash=hash_token(token)).first()


# ---------------------------------------------------------------------------------------------------
# The organiser's assignment plan and progress pages, and the reminders. Each read is a fixed number
# of queries, however many jurors and nominations.

# Only nominations that passed screening get jurors.
ASSIGNABLE_STATUSES = (Nomination.Status.ELIGIBLE, Nomination.Status.FINALIST)


def assignable_nomination_ids(*, edition: Edition) -> list[int]:
    return list(
        Nomination.objects.filter(edition=edition, status__in=ASSIGNABLE_STATUSES)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def jury_plan_for(*, edition: Edition) -> JuryPlan | None:
    return JuryPlan.objects.filter(edition=edition).first()


def _plan_nominations(edition: Edition) -> list[Nomination]:
    """The assignable nominations, and any other that still has assignments (screened out later)."""
    assigned = Assignment.objects.filter(edition=edition, nomination=OuterRef("pk"))
    return list(
        Nomination.objects.filter(edition=edition)
        .filter(models.Q(status__in=ASSIGNABLE_STATUSES) | models.Exists(assigned))
        .only("pk", "edition_id", "startup_name", "status")
        .order_by("startup_name", "pk")
    )


def _plan_jurors(edition: Edition) -> list:
    return [
        m.user
        for m in JuryMember.objects.filter(edition=edition).select_related("user").order_by("user__name", "user__email")
    ]


def _conflicted_pairs(edition: Edition) -> set[tuple[int, int]]:
    return set(
        ConflictDeclaration.objects.filter(nomination__edition=edition, has_conflict=True).values_list(
            "juror_id", "nomination_id"
        )
    )


@dataclass(frozen=True)
class PlanCell:
    juror: object
    assigned: bool
    conflicted: bool


@dataclass(frozen=True)
class PlanRow:
    nomination: Nomination
    cells: list[PlanCell]

    @property
    def juror_count(self) -> int:
        """Jurors who will score it: assigned and without a conflict."""
        return sum(1 for c in self.cells if c.assigned and not c.conflicted)


@dataclass
class AssignmentTable:
    edition: Edition
    plan: JuryPlan | None
    jurors: list
    rows: list[PlanRow]
    loads: list[int]  # per juror, in the order of `jurors`
    uncovered: list[tuple[object, object]]  # pairs of jurors who share no nomination
    now: datetime

    @property
    def assignment_count(self) -> int:
        return sum(1 for row in self.rows for cell in row.cells if cell.assigned)

    @property
    def juror_loads(self) -> list[tuple[object, int]]:
        return list(zip(self.jurors, self.loads, strict=True))

    @property
    def pairs_total(self) -> int:
        return len(self.jurors) * (len(self.jurors) - 1) // 2

    @property
    def pairs_covered(self) -> int:
        return self.pairs_total - len(self.uncovered)

    @property
    def load_spread(self) -> int:
        return max(self.loads) - min(self.loads) if self.loads else 0

    @property
    def released(self) -> bool:
        return self.plan is not None and self.plan.released_at is not None

    @property
    def changeable(self) -> bool:
        """Assignments are fixed once scoring opens."""
        return self.now < self.edition.scoring_open_at

    @property
    def releasable(self) -> bool:
        return not self.released and self.assignment_count > 0 and self.now < self.edition.scoring_close_at

    def short_rows(self, k: int) -> list[PlanRow]:
        return [row for row in self.rows if row.juror_count < k]


def assignment_table(*, edition: Edition, now: datetime | None = None) -> AssignmentTable:
    """Nominations by jurors: who is assigned where, the conflicts, each juror's load (conflicted
    assignments left out) and the pairs of jurors who never share a nomination. Five queries."""
    from .assignment import uncovered_pairs

    plan = jury_plan_for(edition=edition)
    jurors = _plan_jurors(edition)
    nominations = _plan_nominations(edition)
    assigned = set(Assignment.objects.filter(edition=edition).values_list("juror_id", "nomination_id"))
    conflicted = _conflicted_pairs(edition)
    rows = [
        PlanRow(
            nomination=n,
            cells=[PlanCell(j, (j.pk, n.pk) in assigned, (j.pk, n.pk) in conflicted) for j in jurors],
        )
        for n in nominations
    ]
    effective = assigned - conflicted
    loads = [sum(1 for n in nominations if (j.pk, n.pk) in effective) for j in jurors]
    by_nomination: dict[int, list[int]] = {}
    for juror_id, nomination_id in effective:
        by_nomination.setdefault(nomination_id, []).append(juror_id)
    by_id = {j.pk: j for j in jurors}
    uncovered = [(by_id[a], by_id[b]) for a, b in uncovered_pairs(by_nomination, by_id)]
    return AssignmentTable(
        edition=edition,
        plan=plan,
        jurors=jurors,
        rows=rows,
        loads=loads,
        uncovered=uncovered,
        now=now or timezone.now(),
    )


class ProgressState(models.TextChoices):
    NOT_ASSIGNED = "not_assigned", _("Not assigned")
    NOT_STARTED = "not_started", _("Not started")
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    CONFLICT = "conflict", _("Conflict of interest")


NUDGE_KIND_PREFIX = "nudge:"
NUDGE_INTERVAL_SECONDS = 60 * 60


def progress_state(*, assigned: bool, conflicted: bool, card_status: str | None) -> str:
    if conflicted:
        return ProgressState.CONFLICT
    if not assigned:
        return ProgressState.NOT_ASSIGNED
    if card_status == Scorecard.Status.SUBMITTED:
        return ProgressState.SUBMITTED
    if card_status == Scorecard.Status.DRAFT:
        return ProgressState.DRAFT
    return ProgressState.NOT_STARTED


@dataclass
class ProgressRow:
    juror: object
    states: list[str]  # per nomination, in the order of the page's nominations
    last_nudged_at: datetime | None
    now: datetime

    def _count(self, state: str) -> int:
        return sum(1 for s in self.states if s == state)

    @property
    def assigned(self) -> int:
        return sum(1 for s in self.states if s not in (ProgressState.NOT_ASSIGNED, ProgressState.CONFLICT))

    @property
    def submitted(self) -> int:
        return self._count(ProgressState.SUBMITTED)

    @property
    def drafts(self) -> int:
        return self._count(ProgressState.DRAFT)

    @property
    def not_started(self) -> int:
        return self._count(ProgressState.NOT_STARTED)

    @property
    def conflicts(self) -> int:
        return self._count(ProgressState.CONFLICT)

    @property
    def unfinished(self) -> int:
        return self.drafts + self.not_started

    @property
    def nudge_available_at(self) -> datetime | None:
        """When the next nudge may go out, if that is still in the future."""
        if self.last_nudged_at is None:
            return None
        at = self.last_nudged_at + timedelta(seconds=NUDGE_INTERVAL_SECONDS)
        return at if at > self.now else None


@dataclass
class Progress:
    edition: Edition
    nominations: list[Nomination]
    rows: list[ProgressRow]
    released: bool
    now: datetime

    @property
    def submitted_per_nomination(self) -> list[int]:
        return [
            sum(1 for row in self.rows if row.states[i] == ProgressState.SUBMITTED)
            for i in range(len(self.nominations))
        ]

    @property
    def nudging_open(self) -> bool:
        return self.released and self.now < self.edition.scoring_close_at


def progress_for_edition(*, edition: Edition, now: datetime | None = None) -> Progress:
    """Jurors by nominations, with the state of each cell, totals per juror and when each juror was
    last nudged. Seven queries, however many jurors and nominations."""
    now = now or timezone.now()
    plan = jury_plan_for(edition=edition)
    jurors = _plan_jurors(edition)
    nominations = _plan_nominations(edition)
    assigned = set(Assignment.objects.filter(edition=edition).values_list("juror_id", "nomination_id"))
    conflicted = _conflicted_pairs(edition)
    cards = dict(
        ((juror_id, nomination_id), status)
        for juror_id, nomination_id, status in Scorecard.objects.filter(nomination__edition=edition).values_list(
            "juror_id", "nomination_id", "status"
        )
    )
    nudged = dict(
        ReminderSent.objects.filter(edition=edition, kind__startswith=NUDGE_KIND_PREFIX)
        .values("juror_id")
        .annotate(last=Max("sent_at"))
        .values_list("juror_id", "last")
    )
    rows = [
        ProgressRow(
            juror=j,
            states=[
                progress_state(
                    assigned=(j.pk, n.pk) in assigned,
                    conflicted=(j.pk, n.pk) in conflicted,
                    card_status=cards.get((j.pk, n.pk)),
                )
                for n in nominations
            ],
            last_nudged_at=nudged.get(j.pk),
            now=now,
        )
        for j in jurors
    ]
    released = plan is not None and plan.released_at is not None
    return Progress(edition=edition, nominations=nominations, rows=rows, released=released, now=now)


def unfinished_assignments(*, edition: Edition, juror_id: int | None = None) -> dict:
    """juror → their assigned nominations that still need work: the juror is seated, has declared no
    conflict with it and has not submitted a scorecard for it; in the juror's own order. One query."""
    conflict = ConflictDeclaration.objects.filter(
        juror=OuterRef("juror_id"), nomination=OuterRef("nomination_id"), has_conflict=True
    )
    submitted = Scorecard.objects.filter(
        juror=OuterRef("juror_id"), nomination=OuterRef("nomination_id"), status=Scorecard.Status.SUBMITTED
    )
    seated = JuryMember.objects.filter(edition=OuterRef("edition_id"), user=OuterRef("juror_id"))
    assignments = (
        Assignment.objects.filter(edition=edition, nomination__status__in=ASSIGNABLE_STATUSES)
        .filter(models.Exists(seated))
        .exclude(models.Exists(conflict))
        .exclude(models.Exists(submitted))
        .select_related("juror", "nomination")
        .order_by("juror_id", "position", "pk")
    )
    if juror_id is not None:
        assignments = assignments.filter(juror_id=juror_id)
    result: dict = {}
    for assignment in assignments:
        result.setdefault(assignment.juror, []).append(assignment.nomination)
    return result
