"""The juror's pages: the dashboard, the conflict-of-interest declarations, the scoring page; and, once
scoring has closed, every scorecard of a nomination for the chair and the organisers.

Anything a person may not see is a 404, so its existence is not revealed. A juror without two-factor
authentication is sent to set it up first."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import localize
from django.utils.safestring import mark_safe
from django.utils.timesince import timeuntil
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from accounts.rules import has_mfa
from awards.models import Phase
from core.html import date_text, escape_text
from nominations.models import Nomination

from .. import draft_stash, selectors
from ..forms_juror import (
    ANSWER_NO,
    ANSWER_YES,
    read_conflict_post,
    read_scorecard_post,
    stashable_scorecard_fields,
)
from ..models import ConflictKind, Scorecard
from ..services import conflicts as conflict_services
from ..services.scoring import ScoringClosed, scorecard_reopen, scorecard_save


def _seated_juror_or_404(request: HttpRequest) -> None:
    """Someone who sits on no jury gets a 404, as for any page that is not theirs. (A juror without
    two-factor authentication never gets here: accounts.mfa.MFARequiredMiddleware sends them to set it up.)"""
    if not selectors.user_is_seated_juror(user=request.user):
        raise Http404


# ---------------------------------------------------------------------------------------------------
# Dashboard


# Each edition's list is paged on its own: ?page-<edition id>=<n>.
PAGE_PARAM_PREFIX = "page-"


def _requested_pages(request: HttpRequest) -> dict[int, str]:
    pages = {}
    for key, value in request.GET.items():
        edition_id = key.removeprefix(PAGE_PARAM_PREFIX)
        if edition_id != key and edition_id.isdigit():
            pages[int(edition_id)] = value
    return pages


def _filter_href(request: HttpRequest, show: str) -> str:
    """The list under another filter, from its first page: the filters are kept, the page numbers dropped."""
    params = request.GET.copy()
    for key in [key for key in params if key.startswith(PAGE_PARAM_PREFIX)]:
        del params[key]
    params["show"] = show
    return f"?{params.urlencode()}"


def _page_links(request: HttpRequest, board: selectors.EditionDashboard) -> dict | None:
    """The pagination of one edition's list: previous, the page numbers (elided), next; None for one page."""
    page = board.page
    if page is None or page.paginator.num_pages < 2:
        return None
    param = f"{PAGE_PARAM_PREFIX}{board.edition.pk}"
    params = request.GET.copy()  # one copy: setting the same key again keeps its place

    def href(number: int) -> str:
        params[param] = str(number)
        return f"?{params.urlencode()}"

    numbers = page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    return {
        "previous": href(page.previous_page_number()) if page.has_previous() else "",
        "next": href(page.next_page_number()) if page.has_next() else "",
        "pages": [
            {"number": n, "href": href(n), "current": n == page.number} if n != page.paginator.ELLIPSIS else None
            for n in numbers
        ],
    }


def dashboard_pagination_html(pagination: dict, edition) -> str:
    """templates/jury/juror/_dashboard_pagination.html written in Python, character for character (tests/jury
    compare them): its page links cost more in template tags than the rest of the list."""
    anchor = f"#list-{localize(edition.pk)}"
    previous, following = escape_text(_("Previous")), escape_text(_("Next"))
    page_label = _("Page %(number)s")
    parts = [
        '<nav class="mt-3" aria-label="',
        _("Pages of your list for %(edition)s") % {"edition": escape_text(edition)},
        '">\n  <ul class="pagination flex-wrap mb-0">\n    ',
    ]
    if pagination["previous"]:
        parts.append(
            f'<li class="page-item"><a class="page-link" href="{escape_text(pagination["previous"])}{anchor}" '
            f'rel="prev">{previous}</a></li>'
        )
    else:
        parts.append(f'<li class="page-item disabled"><span class="page-link">{previous}</span></li>')
    parts.append("\n    ")
    for link in pagination["pages"]:
        if link:
            number = localize(link["number"])
            current = link["current"]
            parts.append(
                f'\n      <li class="page-item{" active" if current else ""}"><a class="page-link" '
                f'href="{escape_text(link["href"])}{anchor}"{' aria-current="page"' if current else ""} '
                f'aria-label="{page_label % {"number": number}}">{number}</a></li>\n      \n    '
            )
        else:
            parts.append(
                '\n      <li class="page-item disabled"><span class="page-link" aria-hidden="true">…</span></li>\n    '
            )
    parts.append("\n    ")
    if pagination["next"]:
        parts.append(
            f'<li class="page-item"><a class="page-link" href="{escape_text(pagination["next"])}{anchor}" '
            f'rel="next">{following}</a></li>'
        )
    else:
        parts.append(f'<li class="page-item disabled"><span class="page-link">{following}</span></li>')
    parts.append("\n  </ul>\n</nav>\n")
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308 B703 - every value above is escaped


# A URL with a nomination's pk in it, reversed once a request rather than once a row.
_PK_PLACEHOLDER = 2_147_483_647


def _pk_url_formatter(view_name: str):
    head, tail = reverse(view_name, args=[_PK_PLACEHOLDER]).split(str(_PK_PLACEHOLDER))
    return lambda pk: f"{head}{pk}{tail}"


def _row_labels() -> dict[str, str]:
    """The state badges' texts in the request's language, escaped once a request."""
    return {
        selectors.ROW_UNDECLARED: escape_text(_("Declare conflicts first")),
        selectors.ROW_NOT_STARTED: escape_text(_("Not started")),
        selectors.ROW_DRAFT: escape_text(_("Draft")),
        selectors.ROW_SUBMITTED: escape_text(_("Submitted")),
        "scorecards": escape_text(_("All scorecards")),
    }


def _number_text(number: int) -> str:
    # `{{ number }}`: localize() writes a number under 1000 as its digits (no separator to group by).
    return str(number) if type(number) is int and 0 <= number < 1000 else localize(number)


def dashboard_row_html(row: dict, *, conflicts_href: str, labels: dict[str, str]) -> str:
    """templates/jury/juror/_dashboard_row.html written in Python, character for character (tests/jury compare
    them): a juror's list has 25 rows a page and the template's tags cost more than the rest of the page."""
    state, name = row["state"], escape_text(row["name"])
    if state == selectors.ROW_UNDECLARED:
        title = f'<span class="fw-semibold">{name}</span>\n            '
        badge = (
            f'<a class="badge text-bg-warning text-decoration-none" href="{escape_text(conflicts_href)}">'
            f"{labels[state]}</a>\n          "
        )
    else:
        title = f'<a class="fw-semibold" href="{escape_text(row["score_href"])}">{name}</a>'
        if state == selectors.ROW_NOT_STARTED:
            badge = f'<span class="badge text-bg-light border">{labels[state]}</span>\n          '
        elif state == selectors.ROW_DRAFT:
            badge = f'<span class="badge text-bg-info">{labels[state]}</span>\n          '
        else:
            badge = f'<span class="badge text-bg-success">{labels[selectors.ROW_SUBMITTED]}</span>'
    pitch = f'<div class="small text-body-secondary">{escape_text(row["pitch"])}</div>' if row["pitch"] else ""
    scorecards = (
        f'<a class="small" href="{escape_text(row["scorecards_href"])}">{labels["scorecards"]}</a>'
        if row["scorecards_href"]
        else ""
    )
    return mark_safe(  # noqa: S308  # nosec B308 B703 - every value above is escaped
        '<li class="list-group-item d-flex flex-wrap justify-content-between align-items-start gap-2" '
        f'data-state="{escape_text(state)}">\n'
        f'          <span class="text-body-secondary">{_number_text(row["number"])}.</span>\n'
        '          <div class="me-auto">\n'
        f"            {title}\n"
        f"            {pitch}\n"
        "          </div>\n"
        f"          {badge}\n"
        f"          {scorecards}\n"
        "        </li>"
    )


def _dashboard_rows(
    board: selectors.EditionDashboard, first_number: int, score_url, scorecards_url, conflicts_href: str, labels
) -> list[dict]:
    """The page's rows, each with its HTML: the template only prints them."""
    chair_after_scoring = board.scoring_closed and board.member.is_chair
    rows = []
    for number, row in enumerate(board.rows, first_number):
        values = {
            "state": row.state,
            "number": number,
            "name": row.startup_name,
            "pitch": row.pitch,
            "score_href": score_url(row.nomination_id),
            "scorecards_href": scorecards_url(row.nomination_id) if chair_after_scoring else "",
        }
        values["html"] = dashboard_row_html(values, conflicts_href=conflicts_href, labels=labels)
        rows.append(values)
    return rows


def dashboard_rows_html(rows: list[dict]) -> str:
    """The list's rows as the template's loop over them (`{% for row in rows %}` with each row's HTML on its
    own indented line) wrote them: one string instead of a template loop of 25 rows."""
    return mark_safe("".join(f"\n        {row['html']}\n      " for row in rows))  # noqa: S308  # nosec B308 B703 - the rows' HTML, escaped when written


def _countdown_html(board: selectors.EditionDashboard, edition) -> str:
    if board.scoring_not_open_yet:
        when, css = edition.scoring_open_at, "alert alert-light border"
        text = _('Scoring opens on <time datetime="%(iso)s">%(when)s</time>.')
    elif board.scoring_open:
        when, css = edition.scoring_close_at, "alert alert-info"
        text = _('Scoring closes on <time datetime="%(iso)s">%(when)s</time>.')
    else:
        closed = _("Scoring closed on %(when)s. Scores can no longer be changed.") % {
            "when": date_text(edition.scoring_close_at, "DATETIME_FORMAT")
        }
        return f'\n    <div class="alert alert-secondary">{closed}</div>\n  '
    sentence = text % {"iso": date_text(when, "c"), "when": date_text(when, "DATETIME_FORMAT")}
    return (
        f'\n    <div class="{css}" data-countdown data-countdown-passed="{_("now")}">\n'
        f"      {sentence}\n"
        f"      {_('Time left:')} <span data-countdown-remaining>{escape_text(timeuntil(when))}</span>\n"
        "    </div>\n  "
    )


def dashboard_edition_html(item: dict, *, show: str, has_mfa: bool) -> str:
    """templates/jury/juror/_dashboard_edition.html written in Python, character for character (tests/jury
    compare them in both languages and every state): one edition's part of the dashboard, which cost more in
    template tags than the rest of the page."""
    board = item["board"]
    edition = board.edition
    pk = _number_text(edition.pk)
    chair = board.member.is_chair
    parts = [
        f'\n<section class="mb-5" aria-labelledby="edition-{pk}">\n'
        f'  <h2 class="h3" id="edition-{pk}">{escape_text(edition)}',
        f' <span class="badge text-bg-secondary align-middle">{_("Jury chair")}</span>' if chair else "",
        "</h2>\n\n  ",
        _countdown_html(board, edition),
        "\n\n  ",
    ]
    if board.scoring_closed and chair and has_mfa:
        results_label = _("The jury's results")
        parts.append(
            f'\n    <p><a class="btn btn-primary" href="{escape_text(reverse("verdict:results", args=[edition.pk]))}">'
            f"{results_label}</a></p>\n  "
        )
    parts.append("\n\n  ")
    if not board.released:
        waiting = _(
            "Your nominations have not been assigned yet. You will find them here once the organisers release the "
            "assignments."
        )
        parts.append(f"\n    <p>{waiting}</p>\n  ")
    elif has_mfa:
        progress = _("%(submitted)s of %(assigned)s scorecards submitted") % {
            "submitted": _number_text(board.submitted),
            "assigned": _number_text(board.assigned),
        }
        parts.append(
            '\n    <div class="mb-3">\n'
            f'      <label class="form-label" for="progress-{pk}">{progress}</label>\n'
            f'      <progress class="d-block w-100" id="progress-{pk}" max="{_number_text(board.assigned or 1)}" '
            f'value="{_number_text(board.submitted)}">{_number_text(board.percent_submitted)} %</progress>\n      '
        )
        if board.conflicted:
            left_out = ngettext(
                "One nomination is left out because of a conflict of interest.",
                "%(counter)s nominations are left out because of conflicts of interest.",
                board.conflicted,
            ) % {"counter": _number_text(board.conflicted)}
            parts.append(f'<p class="small text-body-secondary mt-1 mb-0">{left_out}</p>')
        parts.append(f'\n    </div>\n\n    <ul class="nav nav-pills mb-3" aria-label="{_("Show")}">\n      ')
        for key, label, count, href in item["filters"]:
            current = key == show
            parts.append(
                f'\n        <li class="nav-item"><a class="nav-link{" active" if current else ""}" '
                f'href="{escape_text(href)}"{' aria-current="page"' if current else ""}>{escape_text(label)} '
                f'<span class="badge text-bg-light">{_number_text(count)}</span></a></li>\n      '
            )
        parts.append("\n    </ul>\n\n    ")
        if item["pagination"]:
            page = board.page
            showing = _("Showing %(first)s–%(last)s of %(total)s") % {  # noqa: RUF001 - the en dash of a range
                "first": _number_text(page.start_index()),
                "last": _number_text(page.end_index()),
                "total": _number_text(page.paginator.count),
            }
            parts.append(f'<p class="small text-body-secondary mb-2">{showing}</p>')
        parts.append(
            f'\n    \n    <ol class="list-group" start="{_number_text(item["first_number"])}" id="list-{pk}">\n      '
        )
        if item["rows"]:
            parts.append(item["rows_html"])
        else:
            parts.append(f'\n        <li class="list-group-item">{_("Nothing here.")}</li>\n      ')
        parts.append("\n    </ol>\n    ")
        if item["pagination"]:
            parts.append(item["pagination_html"])
        parts.append("\n  ")
    parts.append("\n</section>\n")
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308 B703 - every value above is escaped, or a translation the template printed as it is


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    show = request.GET.get("show", selectors.FILTER_ALL)
    if show not in selectors.DASHBOARD_FILTERS:
        show = selectors.FILTER_ALL
    boards = selectors.juror_dashboard(user=request.user, show=show, pages=_requested_pages(request))
    if not boards:
        raise Http404
    filter_labels = {
        selectors.FILTER_ALL: _("All"),
        selectors.FILTER_TO_SCORE: _("To score"),
        selectors.FILTER_DRAFTS: _("Drafts"),
        selectors.FILTER_SUBMITTED: _("Submitted"),
    }
    filters = [(key, label, _filter_href(request, key)) for key, label in filter_labels.items()]
    score_url, scorecards_url = _pk_url_formatter("jury:score"), _pk_url_formatter("jury:scorecards")
    conflicts_href, labels = reverse("jury:conflicts"), _row_labels()
    mfa = has_mfa(request.user)
    editions = []
    for board in boards:
        counts = board.counts()
        first_number = board.page.start_index() if board.page else 1
        pagination = _page_links(request, board)
        rows = _dashboard_rows(board, first_number, score_url, scorecards_url, conflicts_href, labels)
        item = {
            "board": board,
            "rows": rows,
            "rows_html": dashboard_rows_html(rows),
            "first_number": first_number,
            "filters": [(key, label, counts[key], href) for key, label, href in filters],
            "pagination": pagination,
            "pagination_html": dashboard_pagination_html(pagination, board.edition) if pagination else "",
        }
        item["html"] = dashboard_edition_html(item, show=show, has_mfa=mfa)
        editions.append(item)
    context = {
        "editions": editions,
        "show": show,
        "has_mfa": mfa,
        "undeclared": sum(board.undeclared for board in boards if not board.scoring_closed),
        # The navigation's jury link (jury.context_processors): a dashboard means a seat on a jury.
        "is_juror": True,
    }
    return render(request, "jury/juror/dashboard.html", context)


# ---------------------------------------------------------------------------------------------------
# Conflicts of interest


def _conflict_form_rows(rows, *, posted=None, errors=None) -> list[dict]:
    posted = posted or {}
    errors = errors or {}
    form_rows = []
    for row in rows:
        pk = row.nomination.pk
        declaration = row.declaration
        if pk in posted:
            values = posted[pk]
            answer, kind, note = values.get("answer", ""), values.get("kind", ""), values.get("note", "")
        elif declaration is not None:
            answer = ANSWER_YES if declaration.has_conflict else ANSWER_NO
            kind, note = declaration.kind, declaration.note
        else:
            answer = kind = note = ""
        form_rows.append(
            {"row": row, "answer": answer, "kind": kind, "note": note, "errors": errors.get(f"answer_{pk}", [])}
        )
    return form_rows


def _conflicts_page(request, rows, *, posted=None, errors=None, status=200) -> HttpResponse:
    context = {
        "rows": _conflict_form_rows(rows, posted=posted, errors=errors),
        "kinds": ConflictKind.choices,
        "general_errors": (errors or {}).get("__all__", []),
    }
    return render(request, "jury/juror/conflicts.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def conflicts(request: HttpRequest) -> HttpResponse:
    _seated_juror_or_404(request)
    rows = selectors.conflict_rows_for_juror(user=request.user)
    if request.method == "GET":
        return _conflicts_page(request, rows)
    post = read_conflict_post(request.POST, nomination_ids={r.nomination.pk for r in rows if not r.locked})
    if post.refused:
        messages.error(request, post.refused)
        return _conflicts_page(request, rows, status=400)
    errors = dict(post.errors)
    if not errors:
        try:
            changed = conflict_services.conflicts_declare(actor=request.user, answers=post.answers, request=request)
        except PermissionDenied as error:
            raise Http404 from error
        except ValidationError as error:
            errors = error.message_dict
        else:
            messages.success(request, _("Your answers are saved.") if changed else _("Nothing to change."))
            rows = selectors.conflict_rows_for_juror(user=request.user)
            if all(row.declaration is not None for row in rows):
                return redirect("jury:dashboard")
            return redirect("jury:conflicts")
    messages.error(request, _("Nothing was saved. Please correct the marked answers; what you entered is kept."))
    return _conflicts_page(request, rows, posted=post.values, errors=errors)


# ---------------------------------------------------------------------------------------------------
# Scoring


# The nomination's long texts, in the order the applicant wrote them.
NOMINATION_TEXTS = ("problem", "solution", "innovation", "market", "team", "impact", "flemingsberg_tie")


def _scoring_state(nomination: Nomination, now) -> str:
    phase = nomination.edition.phase_at(now)
    if phase == Phase.SCORING:
        return "open"
    return "not_open" if now < nomination.edition.scoring_open_at else "closed"


def _score_page(
    request: HttpRequest,
    nomination: Nomination,
    *,
    values: dict[str, str] | None = None,
    comment: str | None = None,
    errors: dict[str, list[str]] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The nomination beside its rubric. `values` and `comment` redraw what the juror sent (or what
    was kept when their session expired); otherwise the saved scorecard is shown."""
    errors = errors or {}
    state = _scoring_state(nomination, timezone.now())
    scorecard = selectors.scorecard_for_juror(user=request.user, nomination=nomination)
    saved = {str(s.criterion_id): str(s.value) for s in scorecard.scores.all()} if scorecard else {}
    submitted = scorecard is not None and scorecard.status == Scorecard.Status.SUBMITTED
    editable = state == "open" and not submitted
    if values is None:
        values = saved
        comment = scorecard.comment if scorecard else ""
    criteria = []
    for criterion in selectors.rubric_for_edition(edition=nomination.edition):
        descriptors = {level.value: level.descriptor for level in criterion.levels.all()}
        chosen = values.get(str(criterion.pk), "")
        criteria.append(
            {
                "criterion": criterion,
                "levels": [
                    {"value": v, "descriptor": descriptors.get(v, ""), "checked": str(v) == chosen}
                    for v in criterion.levels_range
                ],
                "errors": errors.get(f"score_{criterion.pk}", []),
            }
        )
    context = {
        "nomination": nomination,
        "nomination_texts": [
            (Nomination._meta.get_field(name).verbose_name, getattr(nomination, name)) for name in NOMINATION_TEXTS
        ],
        "edition": nomination.edition,
        "criteria": criteria,
        "comment": comment or "",
        "scorecard": scorecard,
        "submitted": submitted,
        "receipt": selectors.scorecard_receipt(scorecard=scorecard),
        "state": state,
        "editable": editable,
        "can_reopen": state == "open" and submitted,
        "general_errors": errors.get("__all__", []),
    }
    return render(request, "jury/juror/score.html", context, status=status)


def _stash_and_log_in(request: HttpRequest, pk: int) -> HttpResponse:
    """The session expired while the juror was scoring: keep what they sent and have them log in
    again; the scoring page offers it back afterwards."""
    token = draft_stash.stash(nomination_id=pk, fields=stashable_scorecard_fields(request.POST))
    response = redirect_to_login(reverse("jury:score", args=[pk]), settings.LOGIN_URL)
    draft_stash.set_cookie(response, token)
    return response


@require_http_methods(["GET", "POST"])
def score(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        if request.method == "POST":
            return _stash_and_log_in(request, pk)
        return redirect_to_login(request.get_full_path())
    _seated_juror_or_404(request)
    nomination = selectors.nomination_for_juror_or_404(user=request.user, pk=pk)
    if selectors.conflict_declaration_for(user=request.user, nomination=nomination) is None:
        messages.info(
            request, _("Before you see and score a nomination, tell us whether you have a conflict of interest.")
        )
        return redirect("jury:conflicts")
    if request.method == "GET":
        return _score_page_with_stash(request, nomination)

    post = read_scorecard_post(request.POST)
    if post.refused:
        messages.error(request, post.refused)
        return _score_page(request, nomination, status=400)
    if _scoring_state(nomination, timezone.now()) == "not_open":
        messages.error(request, _("Scoring has not opened yet. Nothing was saved."))
        return redirect("jury:score", pk=nomination.pk)
    try:
        if post.action == "reopen":
            scorecard_reopen(actor=request.user, nomination=nomination, request=request)
        else:
            scorecard_save(
                actor=request.user,
                nomination=nomination,
                values=post.values,
                comment=post.comment,
                submit=post.action == "submit",
                request=request,
            )
    except ScoringClosed as error:
        messages.error(request, error.messages[0])
        return redirect("jury:score", pk=nomination.pk)
    except PermissionDenied as error:
        raise Http404 from error
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            errors = error.message_dict
            messages.error(request, _("Nothing was saved. Please correct the marked scores; what you chose is kept."))
        else:
            errors = {}
            messages.error(request, error.messages[0])
        if post.action == "reopen":
            return redirect("jury:score", pk=nomination.pk)
        return _score_page(request, nomination, values=post.values, comment=post.comment, errors=errors)
    if post.action == "submit":
        messages.success(request, _("Your scores for %(name)s are submitted.") % {"name": nomination.startup_name})
        return redirect("jury:dashboard")
    if post.action == "reopen":
        messages.success(request, _("The scorecard is open again. Submit it again before scoring closes."))
    else:
        messages.success(request, _("Draft saved."))
    return redirect("jury:score", pk=nomination.pk)


def _score_page_with_stash(request: HttpRequest, nomination: Nomination) -> HttpResponse:
    kept = draft_stash.pop(request, nomination_id=nomination.pk)
    if kept is None:
        return _score_page(request, nomination)
    state = _scoring_state(nomination, timezone.now())
    scorecard = selectors.scorecard_for_juror(user=request.user, nomination=nomination)
    if state == "open" and (scorecard is None or scorecard.status == Scorecard.Status.DRAFT):
        messages.warning(
            request,
            _(
                "Your session had expired, so your last changes were not saved. They are filled in below: "
                "check them and save."
            ),
        )
        values = {k.removeprefix("score_"): v for k, v in kept.items() if k.startswith("score_")}
        response = _score_page(request, nomination, values=values, comment=kept.get("comment", ""))
    else:
        messages.error(
            request,
            _(
                "Your session had expired and your last changes could not be kept: scoring is closed or the scorecard is submitted."
            ),
        )
        response = _score_page(request, nomination)
    draft_stash.delete_cookie(response)
    return response


# ---------------------------------------------------------------------------------------------------
# All scorecards of a nomination, after scoring has closed


@login_required
@require_GET
def scorecards(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = selectors.nomination_for_scorecards_or_404(user=request.user, pk=pk)
    criteria = selectors.rubric_for_edition(edition=nomination.edition)
    cards = selectors.scorecards_for_nomination(nomination=nomination, criteria=criteria)
    rows = [{"card": card, "values": [card.values.get(c.pk) for c in criteria]} for card in cards]
    context = {"nomination": nomination, "edition": nomination.edition, "criteria": criteria, "rows": rows}
    return render(request, "jury/juror/scorecards.html", context)
