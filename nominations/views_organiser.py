"""The organiser's screening pages: the editions, an edition's nominations, one nomination, exports.

Only organisers see them; anyone else who is logged in gets a 404, so the pages are not revealed."""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from awards.models import Edition
from awards.selectors import award_get_main, edition_current

from . import exports, selectors, services
from .forms_organiser import BulkScreeningForm, ScreeningFilterForm, ScreeningForm
from .models import Nomination

PAGE_SIZE = 50
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def organiser_required(view: Callable) -> Callable:
    @wraps(view)
    @login_required
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.has_perm("nominations.screen_nomination"):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def _edition_or_404(edition_id: int) -> Edition:
    return get_object_or_404(Edition.objects.select_related("award"), pk=edition_id)


def _add_service_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@organiser_required
@require_GET
def organiser_editions(request: HttpRequest) -> HttpResponse:
    award = award_get_main()
    context = {
        "editions": selectors.editions_with_nomination_counts(),
        "current": edition_current(award=award) if award else None,
    }
    return render(request, "nominations/organiser/editions.html", context)


def _list_page(request: HttpRequest, edition: Edition, bulk_form: BulkScreeningForm) -> HttpResponse:
    filter_form = ScreeningFilterForm(request.GET)
    filters = filter_form.filters()
    page = Paginator(selectors.nominations_for_screening_list(edition=edition, **filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    counts = selectors.nomination_status_counts(edition=edition, search=filters["search"], sector=filters["sector"])
    context = {
        "edition": edition,
        "filter_form": filter_form,
        "filters": filters,
        "bulk_form": bulk_form,
        "selected_ids": bulk_form.selected_ids(),
        "page_obj": page,
        "nominations": page.object_list,
        "status_counts": [(value, label, counts[value]) for value, label in Nomination.Status.choices],
        "total_without_drafts": sum(counts.values()) - counts[Nomination.Status.DRAFT],
        "can_export": request.user.has_perm("nominations.export_nominations"),
    }
    return render(request, "nominations/organiser/list.html", context)


@organiser_required
@require_GET
def organiser_list(request: HttpRequest, edition_id: int) -> HttpResponse:
    edition = _edition_or_404(edition_id)
    return _list_page(request, edition, BulkScreeningForm(edition=edition))


@organiser_required
@require_POST
def organiser_bulk(request: HttpRequest, edition_id: int) -> HttpResponse:
    edition = _edition_or_404(edition_id)
    form = BulkScreeningForm(request.POST, edition=edition)
    if not form.is_valid():
        messages.error(request, _("Nothing was changed. Please correct the marked fields; your selection is kept."))
        return _list_page(request, edition, form)
    done, refused = services.nominations_screen_bulk(
        actor=request.user,
        nominations=form.cleaned_data["nominations"],
        eligible=form.eligible,
        reason=form.cleaned_data["reason"],
        request=request,
    )
    if done:
        text = (
            ngettext("%(count)d nomination marked eligible.", "%(count)d nominations marked eligible.", done)
            if form.eligible
            else ngettext(
                "%(count)d nomination marked not eligible; the startup is told the reason by e-mail.",
                "%(count)d nominations marked not eligible; the startups are told the reason by e-mail.",
                done,
            )
        )
        messages.success(request, text % {"count": done})
    for nomination, why in refused:
        messages.warning(
            request, _("%(name)s was not changed: %(reason)s") % {"name": nomination.startup_name, "reason": why}
        )
    url = reverse("nominations:organiser_list", args=[edition.pk])
    return redirect(f"{url}?{request.GET.urlencode()}" if request.GET else url)


def _detail_page(request: HttpRequest, nomination: Nomination, form: ScreeningForm) -> HttpResponse:
    context = {
        "nomination": nomination,
        "edition": nomination.edition,
        "history": selectors.nomination_history(nomination=nomination),
        "form": form,
        "can_screen": nomination.status in services.SCREENABLE,
    }
    return render(request, "nominations/organiser/detail.html", context)


@organiser_required
@require_GET
def organiser_detail(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = selectors.nomination_get_for_screening_or_404(user=request.user, pk=pk)
    return _detail_page(request, nomination, ScreeningForm(nomination=nomination))


@organiser_required
@require_POST
def organiser_screen(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = selectors.nomination_get_for_screening_or_404(user=request.user, pk=pk)
    form = ScreeningForm(request.POST, nomination=nomination)
    if form.is_valid():
        try:
            nomination = services.nomination_screen(
                actor=request.user,
                nomination=nomination,
                eligible=form.eligible,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            if form.eligible:
                messages.success(request, _("%(name)s is marked eligible.") % {"name": nomination.startup_name})
            else:
                messages.success(
                    request,
                    _("%(name)s is marked not eligible; the startup is told the reason by e-mail.")
                    % {"name": nomination.startup_name},
                )
            return redirect("nominations:organiser_detail", pk=nomination.pk)
    messages.error(request, _("Nothing was changed. Please correct the marked fields; what you typed is kept."))
    return _detail_page(request, nomination, form)


@organiser_required
@require_GET
def organiser_export(request: HttpRequest, edition_id: int, fmt: str) -> HttpResponse:
    if not request.user.has_perm("nominations.export_nominations"):
        raise Http404
    edition = _edition_or_404(edition_id)
    filters = ScreeningFilterForm(request.GET).filters()
    rows = exports.export_rows(selectors.nominations_for_export(edition=edition, **filters), exports.export_columns())
    filename = f"nominations-{edition.year}.{fmt}"
    if fmt == "csv":
        response = StreamingHttpResponse(exports.csv_chunks(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    else:
        response = HttpResponse(exports.xlsx_bytes(rows, title=str(edition.year)), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
