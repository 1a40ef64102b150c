"""The organiser's assignment and progress pages of an edition. Views only check access, read the
form, call a service and redirect; anyone but an organiser gets a 404 (or the login page)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from awards.models import Edition

from .. import selectors
from ..forms_assignments import AssignmentChangeForm, PlanForm
from ..models import JuryPlan
from ..services.assignments import assignment_add, assignment_remove, assignments_generate, jury_plan_release
from ..services.reminders import juror_nudge


def _refused(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _assignments_page(request: HttpRequest, edition: Edition, form: PlanForm | None = None) -> HttpResponse:
    table = selectors.assignment_table(edition=edition)
    plan = table.plan
    if form is None:
        form = PlanForm(
            initial={
                "mode": plan.mode if plan else JuryPlan.Mode.K_PER_NOMINATION,
                "jurors_per_nomination": plan.jurors_per_nomination if plan else min(3, len(table.jurors) or 3),
            }
        )
    k = plan.jurors_per_nomination if plan and plan.mode == JuryPlan.Mode.K_PER_NOMINATION else 1
    context = {
        "edition": edition,
        "table": table,
        "form": form,
        "short_rows": table.short_rows(k) if table.assignment_count else [],
        "k": k,
    }
    return render(request, "jury/organiser/assignments.html", context, status=400 if form.errors else 200)


@login_required
@require_GET
def assignments(request: HttpRequest, edition_id: int) -> HttpResponse:
    edition = selectors.edition_for_jury_manager_or_404(user=request.user, edition_id=edition_id)
    return _assignments_page(request, edition)


@login_required
@require_POST
def assignments_generate_view(request: HttpRequest, edition_id: int) -> HttpResponse:
    edition = selectors.edition_for_jury_manager_or_404(user=request.user, edition_id=edition_id)
    form = PlanForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("No plan was made. Please correct the marked fields."))
        return _assignments_page(request, edition, form)
    try:
        plan = assignments_generate(
            actor=request.user,
            edition=edition,
            mode=form.cleaned_data["mode"],
            jurors_per_nomination=form.cleaned_data["jurors_per_nomination"],
            seed=form.cleaned_data["seed"],
            request=request,
        )
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                for e in errors:
                    form.add_error(field if field in form.fields else None, e)
            messages.error(request, _("No plan was made. Please correct the marked fields."))
            return _assignments_page(request, edition, form)
        _refused(request, error)
        return redirect("jury:assignments", edition_id=edition.pk)
    messages.success(request, _("A new plan was made (seed %(seed)s).") % {"seed": plan.seed})
    return redirect("jury:assignments", edition_id=edition.pk)


@login_required
@require_POST
def assignments_change(request: HttpRequest, edition_id: int) -> HttpResponse:
    edition = selectors.edition_for_jury_manager_or_404(user=request.user, edition_id=edition_id)
    form = AssignmentChangeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Nothing was changed: the change could not be read. Try again."))
        return redirect("jury:assignments", edition_id=edition.pk)
    action, nomination_id, juror_id = form.cleaned_data["change"]
    service = assignment_add if action == "add" else assignment_remove
    try:
        service(actor=request.user, edition=edition, juror_id=juror_id, nomination_id=nomination_id, request=request)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("Assigned.") if action == "add" else _("Removed from the nomination."))
    return redirect("jury:assignments", edition_id=edition.pk)


@login_required
@require_POST
def assignments_release(request: HttpRequest, edition_id: int) -> HttpResponse:
    edition = selectors.edition_for_jury_manager_or_404(user=request.user, edition_id=edition_id)
    try:
        jury_plan_release(actor=request.user, edition=edition, request=request)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("Released: the jurors now see their nominations."))
    return redirect("jury:assignments", edition_id=edition.pk)


@login_required
@require_GET
def progress(request: HttpRequest, edition_id: int) -> HttpResponse:
    edition = selectors.edition_for_jury_manager_or_404(user=request.user, edition_id=edition_id)
    context = {
        "edition": edition,
        "progress": selectors.progress_for_edition(edition=edition),
        "states": selectors.ProgressState,
    }
    return render(request, "jury/organiser/progress.html", context)


@login_required
@require_POST
def progress_nudge(request: HttpRequest, edition_id: int, juror_id: int) -> HttpResponse:
    edition = selectors.edition_for_jury_manager_or_404(user=request.user, edition_id=edition_id)
    try:
        juror_nudge(actor=request.user, edition=edition, juror_id=juror_id, request=request)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("Reminder sent."))
    return redirect("jury:progress", edition_id=edition.pk)
