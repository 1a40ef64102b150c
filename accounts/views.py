"""The person's own data: see what is held, download it, erase the account."""

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from nominations.models import Nomination

from . import services
from .forms import AccountDeleteForm


@login_required
@require_GET
def personal_data(request: HttpRequest) -> HttpResponse:
    nominations = Nomination.objects.filter(submitted_by=request.user).select_related("edition").order_by("pk")
    return render(request, "accounts/personal_data.html", {"nominations": nominations})


@never_cache
@login_required
@require_GET
def personal_data_export(request: HttpRequest) -> HttpResponse:
    document = services.account_data_export(user=request.user)
    response = HttpResponse(
        json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="flemingsberg-science-award-my-data-{stamp}.json"'
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request: HttpRequest) -> HttpResponse:
    form = AccountDeleteForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.account_delete(user=request.user, request=request)
        logout(request)
        messages.success(request, _("Your account is deleted. Thank you for taking part."))
        return redirect("public:home")
    nominations = Nomination.objects.filter(submitted_by=request.user).select_related("edition")
    return render(
        request,
        "accounts/delete.html",
        {"form": form, "nominations": nominations},
        status=400 if form.errors else 200,
    )
