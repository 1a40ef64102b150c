from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from awards.models import Edition

from . import selectors, services
from .forms import NominationForm, NominationStartForm
from .models import Nomination

# Model fields the form shows under another name.
FORM_FIELD_FOR = {"pitch_deck": "pitch_deck_upload"}


def _add_service_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            field = FORM_FIELD_FOR.get(field, field)
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@login_required
def my_nominations(request: HttpRequest) -> HttpResponse:
    nominations = selectors.nominations_for_applicant(user=request.user)
    return render(request, "nominations/mine.html", {"nominations": nominations})


@login_required
@require_http_methods(["GET", "POST"])
def nomination_start(request: HttpRequest, edition_id: int) -> HttpResponse:
    edition = get_object_or_404(Edition.objects.select_related("award"), pk=edition_id)
    if not request.user.has_perm("nominations.start_nomination", edition):
        messages.error(request, _("Nominations for this edition are not open."))
        return redirect("public:home")
    form = NominationStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            nomination = services.nomination_create(
                actor=request.user, edition=edition, data=form.cleaned_data, language=get_language(), request=request
            )
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, _("Your draft is saved. Fill in the rest now or come back later."))
            return redirect("nominations:edit", pk=nomination.pk)
    return render(request, "nominations/start.html", {"edition": edition, "form": form})


@login_required
def nomination_detail(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = selectors.nomination_get_for_user_or_404(user=request.user, pk=pk)
    context = {
        "nomination": nomination,
        "history": selectors.nomination_history(nomination=nomination),
        "can_edit": request.user.has_perm("nominations.change_nomination", nomination),
        "can_withdraw": request.user.has_perm("nominations.withdraw_nomination", nomination),
    }
    return render(request, "nominations/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def nomination_edit(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = selectors.nomination_get_for_user_or_404(user=request.user, pk=pk)
    if not request.user.has_perm("nominations.change_nomination", nomination):
        if selectors.nomination_is_owned_by(nomination=nomination, user=request.user):
            messages.warning(request, _("This nomination can no longer be changed."))
            return redirect("nominations:detail", pk=nomination.pk)
        raise Http404
    # Bound on every POST, even an empty one: an unbound form has no cleaned_data to read below.
    posted = request.method == "POST"
    form = NominationForm(request.POST if posted else None, request.FILES if posted else None, instance=nomination)
    if request.method == "POST":
        submitting = "submit" in request.POST
        valid = form.is_valid()
        deck = form.cleaned_data.get("pitch_deck_upload") if "pitch_deck_upload" not in form.errors else None
        try:
            if valid:
                nomination = services.nomination_update(
                    actor=request.user, nomination=nomination, data=form.cleaned_data, pitch_deck=deck, request=request
                )
                if submitting:
                    was_draft = nomination.status == Nomination.Status.DRAFT
                    nomination = services.nomination_submit(
                        actor=request.user, nomination=nomination, consent=form.cleaned_data["consent"], request=request
                    )
                    messages.success(
                        request,
                        _("Your nomination is submitted. A confirmation is on its way by e-mail.")
                        if was_draft
                        else _("Your changes are saved and the nomination remains submitted."),
                    )
                    return redirect("nominations:detail", pk=nomination.pk)
                messages.success(request, _("Saved."))
                return redirect("nominations:edit", pk=nomination.pk)
            if deck is not None:
                # Keep a good upload even though other fields need correcting.
                nomination = services.nomination_store_pitch_deck(
                    actor=request.user, nomination=nomination, pitch_deck=deck, request=request
                )
                form.instance = nomination
        except services.NominationsClosed as error:
            messages.error(request, error.messages[0])
            return redirect("nominations:detail", pk=nomination.pk)
        except ValidationError as error:
            _add_service_errors(form, error)
        except PermissionDenied:
            messages.error(request, _("This nomination can no longer be changed."))
            return redirect("nominations:detail", pk=nomination.pk)
        messages.error(request, _("Please correct the fields marked below. Nothing you typed has been lost."))
    if request.method == "POST":
        # Binding the form wrote what was typed onto the instance: show the stored nomination beside it.
        nomination.refresh_from_db()
    return render(request, "nominations/edit.html", {"nomination": nomination, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def nomination_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = selectors.nomination_get_for_user_or_404(user=request.user, pk=pk)
    if not selectors.nomination_is_owned_by(nomination=nomination, user=request.user):
        raise Http404
    if request.method == "POST":
        try:
            services.nomination_withdraw(actor=request.user, nomination=nomination, request=request)
        except (ValidationError, PermissionDenied):
            messages.error(request, _("This nomination can no longer be withdrawn."))
        else:
            messages.success(request, _("Your nomination is withdrawn."))
        return redirect("nominations:detail", pk=nomination.pk)
    return render(request, "nominations/withdraw.html", {"nomination": nomination})


@login_required
def pitch_deck_download(request: HttpRequest, pk: int) -> FileResponse:
    nomination = selectors.nomination_get_for_user_or_404(user=request.user, pk=pk)
    if not nomination.pitch_deck:
        raise Http404
    filename = f"{slugify(nomination.startup_name) or 'nomination'}-pitch-deck.pdf"
    response = FileResponse(
        nomination.pitch_deck.open("rb"), as_attachment=True, filename=filename, content_type="application/pdf"
    )
    response["Cache-Control"] = "private, no-store"
    return response
