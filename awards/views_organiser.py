"""The organisers' pages for editions: timeline, texts, copying last year's edition, the rubric.

Anonymous visitors are sent to log in; anybody else who is not an organiser gets a 404, so the
pages do not reveal that they exist."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import selectors, services
from .forms import STOCKHOLM, CriterionFormSet, EditionCopyForm, EditionForm, criterion_level_formset
from .models import Criterion


def organiser_required(view):
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.has_perm("awards.manage_edition"):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def _add_service_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@organiser_required
def edition_list(request: HttpRequest) -> HttpResponse:
    editions = selectors.editions_for_organiser(user=request.user)
    return render(request, "awards/organiser/edition_list.html", {"editions": editions})


@organiser_required
@require_http_methods(["GET", "POST"])
def edition_create(request: HttpRequest) -> HttpResponse:
    award = selectors.award_get_main()
    initial = {"award": award, "year": timezone.localdate().year}
    form = EditionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            edition = services.edition_create(actor=request.user, award=data.pop("award"), data=data, request=request)
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, _("The %(year)s edition is created.") % {"year": edition.year})
            return redirect("awards:organiser_edition_edit", pk=edition.pk)
    return render(request, "awards/organiser/edition_form.html", {"form": form, "edition": None})


@organiser_required
@require_http_methods(["GET", "POST"])
def edition_edit(request: HttpRequest, pk: int) -> HttpResponse:
    edition = selectors.edition_get_for_organiser_or_404(user=request.user, pk=pk)
    form = EditionForm(request.POST or None, instance=edition)
    if request.method == "POST" and form.is_valid():
        try:
            edition = services.edition_update(
                actor=request.user, edition=edition, data=form.cleaned_data, request=request
            )
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, _("The %(year)s edition is saved.") % {"year": edition.year})
            return redirect("awards:organiser_edition_edit", pk=edition.pk)
    if request.method == "POST":
        edition.refresh_from_db()  # the form wrote the refused values onto the instance
    return render(request, "awards/organiser/edition_form.html", {"form": form, "edition": edition})


@organiser_required
@require_http_methods(["GET", "POST"])
def edition_copy(request: HttpRequest, pk: int) -> HttpResponse:
    source = selectors.edition_get_for_organiser_or_404(user=request.user, pk=pk)
    # Suggest the same Stockholm date and time of day a year later.
    opens = timezone.localtime(source.nominations_open_at, STOCKHOLM)
    opens = opens.replace(year=opens.year + 1, day=min(opens.day, 28) if opens.month == 2 else opens.day)
    initial = {"year": source.year + 1, "nominations_open_at": opens}
    form = EditionCopyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            edition = services.edition_copy(actor=request.user, source=source, request=request, **form.cleaned_data)
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The %(year)s edition is created from %(source)s, with its texts and rubric. Check them below.")
                % {"year": edition.year, "source": source.year},
            )
            return redirect("awards:organiser_edition_edit", pk=edition.pk)
    return render(request, "awards/organiser/edition_copy.html", {"form": form, "source": source})


@organiser_required
@require_http_methods(["GET", "POST"])
def rubric_edit(request: HttpRequest, pk: int) -> HttpResponse:
    edition = selectors.edition_get_for_organiser_or_404(user=request.user, pk=pk)
    formset = CriterionFormSet(
        request.POST or None,
        instance=edition,
        queryset=selectors.criteria_for_rubric_editor(edition=edition),
        prefix="criteria",
    )
    if request.method == "POST":
        if formset.is_valid():
            changes, deletions = formset.changes()
            try:
                services.criteria_save(
                    actor=request.user, edition=edition, changes=changes, deletions=deletions, request=request
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("The rubric is saved."))
                return redirect("awards:organiser_rubric", pk=edition.pk)
        else:
            messages.error(request, _("Please correct the criteria marked below. Nothing was saved."))
    context = {
        "edition": edition,
        "formset": formset,
        "can_change": request.user.has_perm("awards.change_rubric", edition),
        "max_steps": Criterion.MAX_SCALE_STEPS,
    }
    return render(request, "awards/organiser/rubric.html", context)


@organiser_required
@require_http_methods(["GET", "POST"])
def criterion_levels_edit(request: HttpRequest, pk: int, criterion_pk: int) -> HttpResponse:
    edition = selectors.edition_get_for_organiser_or_404(user=request.user, pk=pk)
    criterion = selectors.criterion_get_for_organiser_or_404(user=request.user, edition=edition, pk=criterion_pk)
    formset = criterion_level_formset(criterion, request.POST or None)
    if request.method == "POST":
        if formset.is_valid():
            try:
                services.criterion_levels_save(
                    actor=request.user, criterion=criterion, levels=formset.rows(), request=request
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("The level descriptors are saved."))
                return redirect("awards:organiser_rubric", pk=edition.pk)
        else:
            errors = [e for form in formset.forms for e in form.errors.get("value", [])]
            messages.error(
                request, " ".join([*errors, *formset.non_form_errors()]) or _("Please correct the levels marked below.")
            )
    context = {
        "edition": edition,
        "criterion": criterion,
        "formset": formset,
        "can_change": request.user.has_perm("awards.change_rubric", edition),
    }
    return render(request, "awards/organiser/criterion_levels.html", context)
