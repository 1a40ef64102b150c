"""The results page of an edition for the jury chair and the organisers, with the deliberation forms,
and the organiser's announcement editor. Views check access, bind a form, call a service and redirect;
anyone who may not see the page gets a 404."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from awards.models import Edition, Phase

from . import selectors
from .bundle import results_bundle
from .forms import AnnouncementForm, FinalistsForm, TieDecisionForm, WinnerApprovalForm
from .models import Finalist
from .services import announcement as announcement_services
from .services import deliberation
from .services.tally import tally_request


def _flash(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _to_form(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            for e in errors:
                form.add_error(name if name in form.fields else None, e)
    else:
        for message in error.messages:
            form.add_error(None, message)


def _approval_candidates(page: selectors.ResultsPage) -> list[tuple[int, str]]:
    return [(row.nomination_id, row.startup) for row in page.rows + page.below_quorum]


def _results_page(request: HttpRequest, edition: Edition, *, tie_forms=None, approval_form=None, status=200):
    user = request.user
    page = selectors.results_page(edition=edition, user=user)
    can = {
        "run_tally": user.has_perm("verdict.run_tally", edition),
        "download": user.has_perm("verdict.download_bundle", edition),
        "mark_finalists": user.has_perm("verdict.mark_finalists", edition),
        "decide_tie": user.has_perm("verdict.decide_tie", edition),
        "approve": user.has_perm("verdict.approve_winner", edition),
        "announce": user.has_perm("verdict.edit_announcement", edition),
        "manage": user.has_perm("jury.manage_jury", edition),
    }
    tie_forms = tie_forms or {}
    ties = []
    for rows in page.undecided_groups:
        key = ",".join(str(n) for n in sorted(row.nomination_id for row in rows))
        ties.append(
            {
                "rows": rows,
                "form": tie_forms.get(key) or TieDecisionForm(rows=rows, auto_id=f"id_tie_{key.replace(',', '_')}_%s"),
            }
        )
    finalists_form = None
    if can["mark_finalists"]:
        candidates = selectors.finalist_candidates(edition=edition)
        finalists_form = FinalistsForm(candidates=candidates, initial={"finalists": sorted(page.finalist_ids)})
    if approval_form is None and page.tally is not None:
        initial_winner = page.approval.winner_id if page.approval else page.first_place_id
        approval_form = WinnerApprovalForm(
            candidates=_approval_candidates(page),
            first_place_id=page.first_place_id,
            initial={"winner": initial_winner, "reason": page.approval.reason if page.approval else ""},
        )
    context = {
        "edition": edition,
        "page": page,
        "can": can,
        "ties": ties,
        "finalists_form": finalists_form,
        "approval_form": approval_form,
        "section": "results",
    }
    return render(request, "verdict/results.html", context, status=status)


@login_required
@require_GET
def results(request: HttpRequest, edition_id: int) -> HttpResponse:
    edition = Edition.objects.select_related("award").filter(pk=edition_id).first()
    if (
        edition is not None
        and request.user.has_perm("jury.manage_jury", edition)
        and edition.phase_at(timezone.now()) in (Phase.UPCOMING, Phase.NOMINATING, Phase.SCREENING, Phase.SCORING)
    ):
        # The organiser's tab exists before scoring closes; it says when there will be something to see.
        return render(request, "verdict/not_yet.html", {"edition": edition, "section": "results"})
    edition = selectors.edition_for_results_or_404(user=request.user, edition_id=edition_id)
    return _results_page(request, edition)


@login_required
@require_POST
def tally_run(request: HttpRequest, edition_id: int) -> HttpResponse:
    edition = selectors.edition_for_results_or_404(user=request.user, edition_id=edition_id, perm="verdict.run_tally")
    try:
        tally_request(actor=request.user, edition=edition, request=request)
    except ValidationError as error:
        _flash(request, error)
    else:
        messages.success(request, _("The tally has started. Reload the page in a moment to see its result."))
    return redirect("verdict:results", edition_id=edition.pk)


@login_required
@require_GET
def bundle(request: HttpRequest, edition_id: int) -> HttpResponse:
    """The results bundle of a tally (the latest unless ?run= names one) as a JSON download."""
    edition = selectors.edition_for_results_or_404(
        user=request.user, edition_id=edition_id, perm="verdict.download_bundle"
    )
    tally = selectors.tally_run_for_bundle(edition=edition, run_id=request.GET.get("run", ""))
    if tally is None:
        raise Http404
    document = results_bundle(tally)
    filename = f"{edition.award.slug}-{edition.year}-tally-{tally.pk}.json"
    response = HttpResponse(
        json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1, sort_keys=True),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_POST
def finalists(request: HttpRequest, edition_id: int) -> HttpResponse:
    edition = selectors.edition_for_results_or_404(
        user=request.user, edition_id=edition_id, perm="verdict.mark_finalists"
    )
    form = FinalistsForm(request.POST, candidates=selectors.finalist_candidates(edition=edition))
    if not form.is_valid():
        messages.error(request, _("Only nominations still in the competition can be finalists."))
        return redirect("verdict:results", edition_id=edition.pk)
    try:
        chosen = deliberation.finalists_set(
            actor=request.user, edition=edition, nomination_ids=form.cleaned_data["finalists"], request=request
        )
    except ValidationError as error:
        _flash(request, error)
    else:
        messages.success(request, _("Finalists saved: %(count)s.") % {"count": len(chosen)})
    return redirect("verdict:results", edition_id=edition.pk)


@login_required
@require_POST
def tie_decide(request: HttpRequest, edition_id: int) -> HttpResponse:
    edition = selectors.edition_for_results_or_404(user=request.user, edition_id=edition_id, perm="verdict.decide_tie")
    page = selectors.results_page(edition=edition, user=request.user)
    key = request.POST.get("group", "")
    rows = next(
        (g for g in page.undecided_groups if ",".join(str(n) for n in sorted(r.nomination_id for r in g)) == key),
        None,
    )
    if rows is None:
        messages.error(request, _("This tie has already been settled, or the tally has changed."))
        return redirect("verdict:results", edition_id=edition.pk)
    form = TieDecisionForm(request.POST, rows=rows)
    if form.is_valid():
        try:
            deliberation.tie_decide(
                actor=request.user,
                edition=edition,
                order=form.cleaned_data["order"],
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except ValidationError as error:
            _to_form(form, error)
        else:
            messages.success(request, _("Your decision on the tie is recorded."))
            return redirect("verdict:results", edition_id=edition.pk)
    return _results_page(request, edition, tie_forms={key: form}, status=400)


@login_required
@require_POST
def winner_approve(request: HttpRequest, edition_id: int) -> HttpResponse:
    edition = selectors.edition_for_results_or_404(
        user=request.user, edition_id=edition_id, perm="verdict.approve_winner"
    )
    page = selectors.results_page(edition=edition, user=request.user)
    form = WinnerApprovalForm(request.POST, candidates=_approval_candidates(page), first_place_id=page.first_place_id)
    if form.is_valid():
        try:
            approval = deliberation.winner_approve(
                actor=request.user,
                edition=edition,
                winner_id=form.cleaned_data["winner"],
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except ValidationError as error:
            _to_form(form, error)
        else:
            messages.success(request, _("%(startup)s is approved as the winner.") % {"startup": approval.winner})
            return redirect("verdict:results", edition_id=edition.pk)
    return _results_page(request, edition, approval_form=form, status=400)


# ---------------------------------------------------------------------------------------------------
# The announcement


def _preview(edition: Edition, page: selectors.ResultsPage, text_sv: str, text_en: str) -> dict:
    winner = page.approval.winner if page.approval else None
    finalists = [
        f.nomination
        for f in Finalist.objects.filter(edition=edition)
        .select_related("nomination")
        .order_by("nomination__startup_name")
        if winner is None or f.nomination_id != winner.pk
    ]
    return {"sv": text_sv, "en": text_en, "winner": winner, "finalists": finalists}


@login_required
@require_http_methods(["GET", "POST"])
def announcement(request: HttpRequest, edition_id: int) -> HttpResponse:
    edition = selectors.edition_for_results_or_404(user=request.user, edition_id=edition_id, perm="jury.manage_jury")
    page = selectors.results_page(edition=edition, user=request.user)
    current = page.announcement
    editable = request.user.has_perm("verdict.edit_announcement", edition)
    status = 200
    if request.method == "POST":
        if not editable:
            messages.error(request, _("The announcement is published and can no longer be changed."))
            return redirect("verdict:announcement", edition_id=edition.pk)
        action = request.POST.get("action", AnnouncementForm.ACTION_SAVE)
        if action not in AnnouncementForm.ACTIONS:
            action = AnnouncementForm.ACTION_SAVE
        form = AnnouncementForm(request.POST, action=action)
        if form.is_valid() and action != AnnouncementForm.ACTION_PREVIEW:
            data = form.cleaned_data
            try:
                if action == AnnouncementForm.ACTION_PUBLISH:
                    announcement_services.announcement_publish_now(
                        actor=request.user, edition=edition, text_sv=data["text_sv"], text_en=data["text_en"],
                        request=request,
                    )  # fmt: skip
                    messages.success(request, _("The announcement is published and the e-mails are on their way."))
                else:
                    saved = announcement_services.announcement_save(
                        actor=request.user, edition=edition, text_sv=data["text_sv"], text_en=data["text_en"],
                        publish_at=data["publish_at"] if action == AnnouncementForm.ACTION_SCHEDULE else None,
                        request=request,
                    )  # fmt: skip
                    if saved.publish_at:
                        messages.success(request, _("The announcement is scheduled."))
                    else:
                        messages.success(request, _("The announcement is saved as a draft; it is not scheduled."))
                return redirect("verdict:announcement", edition_id=edition.pk)
            except ValidationError as error:
                _to_form(form, error)
        if form.errors:
            status = 400
        preview_texts = (form.data.get("text_sv", ""), form.data.get("text_en", ""))
    else:
        initial = {"publish_at": edition.announce_at}
        if current is not None:
            initial = {"text_sv": current.text_sv, "text_en": current.text_en, "publish_at": current.publish_at}
        form = AnnouncementForm(initial=initial)
        preview_texts = (initial.get("text_sv", ""), initial.get("text_en", ""))
    context = {
        "edition": edition,
        "page": page,
        "form": form,
        "editable": editable,
        "announcement": current,
        "preview": _preview(edition, page, *preview_texts),
        "section": "results",
    }
    return render(request, "verdict/announcement.html", context, status=status)
