"""The organiser's conflict-of-interest page of an edition: the suggestions the system computes from
e-mail domains and team texts, to confirm or dismiss; every declaration on record; and a form to
record a finding for any juror and nomination. Anyone but an organiser gets a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.models import User
from awards.models import Edition

from .. import selectors
from ..forms_juror import ConflictRecordForm, SuggestionDecisionForm
from ..models import ConflictKind
from ..services.conflicts import conflict_record


def _jurors(edition: Edition):
    return User.objects.filter(jury_seats__edition=edition).order_by("name", "email")


def _page(request: HttpRequest, edition: Edition, record_form: ConflictRecordForm, status: int = 200) -> HttpResponse:
    suggestions = selectors.conflict_suggestions_for_edition(edition=edition)
    context = {
        "edition": edition,
        "open_suggestions": [s for s in suggestions if s.is_open],
        "settled_suggestions": [s for s in suggestions if not s.is_open],
        "declarations": selectors.conflict_declarations_for_edition(edition=edition),
        "record_form": record_form,
        "kinds": ConflictKind.choices,
    }
    return render(request, "jury/juror/organiser_conflicts.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def organiser_conflicts(request: HttpRequest, edition_id: int) -> HttpResponse:
    if not request.user.has_perm("jury.manage_jury"):
        raise Http404
    edition = get_object_or_404(Edition.objects.select_related("award"), pk=edition_id)
    choices = {"jurors": _jurors(edition), "nominations": selectors.live_nominations_for_edition(edition=edition)}
    if request.method == "GET":
        return _page(request, edition, ConflictRecordForm(**choices))

    if "decision" in request.POST:
        form = SuggestionDecisionForm(request.POST, **choices)
        if not form.is_valid():
            messages.error(request, _("Nothing was recorded: the suggestion could not be read. Try again."))
            return _page(request, edition, ConflictRecordForm(**choices), status=400)
        juror, nomination = form.cleaned_data["juror"], form.cleaned_data["nomination"]
        confirm = form.cleaned_data["decision"] == "confirm"
        fields = {
            "juror": juror,
            "nomination": nomination,
            "has_conflict": confirm,
            "kind": form.cleaned_data["kind"] if confirm else "",
            "suggestion": selectors.conflict_reasons(user=juror, nomination=nomination),
        }
        record_form = ConflictRecordForm(**choices)
    else:
        record_form = ConflictRecordForm(request.POST, **choices)
        if not record_form.is_valid():
            messages.error(request, _("Nothing was recorded. Please correct the marked fields."))
            return _page(request, edition, record_form)
        fields = dict(record_form.cleaned_data)
    try:
        conflict_record(actor=request.user, request=request, **fields)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return _page(request, edition, record_form)
    name = fields["juror"].name or fields["juror"].email
    if fields["has_conflict"]:
        text = _("Recorded: %(juror)s has a conflict of interest with %(startup)s and will not see it.")
    else:
        text = _("Recorded: %(juror)s has no conflict of interest with %(startup)s.")
    messages.success(request, text % {"juror": name, "startup": fields["nomination"].startup_name})
    return redirect("jury:organiser_conflicts", edition_id=edition.pk)
