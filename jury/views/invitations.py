"""Jury invitations. Organisers see an edition's jury and invitations, invite by e-mail, re-send,
revoke, change roles and remove members; anyone else who is logged in gets a 404.

The person invited opens the link from the e-mail, logs in or creates an account (the link comes back
here), and accepts. A link that cannot be used any more gets a page that says why, never an error."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts.adapters import RESUME_AFTER_LOGIN_SESSION_KEY
from accounts.rules import has_mfa

from .. import selectors
from ..forms_invitations import InvitationForm, MemberRoleForm
from ..models import Invitation, JuryRole
from ..services import invitations as services

# Non-organisers get a 404 from the selectors, so the pages are not revealed.


def _add_service_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _back_to_page(edition_id: int) -> HttpResponse:
    return redirect("jury:invitations", edition_id=edition_id)


@login_required
@require_http_methods(["GET", "POST"])
def invitations_page(request: HttpRequest, edition_id: int) -> HttpResponse:
    edition = selectors.edition_for_jury_manager_or_404(user=request.user, edition_id=edition_id)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_create(
                actor=request.user,
                edition=edition,
                email=form.cleaned_data["email"],
                name=form.cleaned_data["name"],
                role=form.cleaned_data["role"],
                language=get_language(),
                request=request,
            )
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, _("The invitation is on its way to %(email)s.") % {"email": invitation.email})
            return _back_to_page(edition.pk)
    if request.method == "POST":
        messages.error(request, _("Nobody was invited. Please correct the marked fields."))
    members = list(selectors.jury_members_with_submitted_counts(edition=edition))
    context = {
        "edition": edition,
        "members": members,
        "invitations": selectors.invitations_for_edition(edition=edition),
        "states": selectors.InvitationState,
        "roles": JuryRole.choices,
        "form": form,
        "valid_days": Invitation.VALID_FOR_DAYS,
    }
    return render(request, "jury/invitations/manage.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def invitation_resend(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = selectors.invitation_for_jury_manager_or_404(user=request.user, pk=pk)
    try:
        services.invitation_resend(actor=request.user, invitation=invitation, language=get_language(), request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("A new invitation link is on its way to %(email)s; the earlier link no longer works.")
            % {"email": invitation.email},
        )
    return _back_to_page(invitation.edition_id)


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = selectors.invitation_for_jury_manager_or_404(user=request.user, pk=pk)
    try:
        services.invitation_revoke(actor=request.user, invitation=invitation, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The invitation to %(email)s is revoked; its link no longer works.") % {"email": invitation.email},
        )
    return _back_to_page(invitation.edition_id)


@login_required
@require_POST
def member_role(request: HttpRequest, pk: int) -> HttpResponse:
    member = selectors.jury_member_for_jury_manager_or_404(user=request.user, pk=pk)
    form = MemberRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose juror or jury chair."))
        return _back_to_page(member.edition_id)
    member = services.jury_member_change_role(
        actor=request.user, member=member, role=form.cleaned_data["role"], request=request
    )
    messages.success(
        request, _("%(name)s is now %(role)s.") % {"name": member.user, "role": member.get_role_display().lower()}
    )
    return _back_to_page(member.edition_id)


@login_required
@require_POST
def member_remove(request: HttpRequest, pk: int) -> HttpResponse:
    member = selectors.jury_member_for_jury_manager_or_404(user=request.user, pk=pk)
    try:
        services.jury_member_remove(actor=request.user, member=member, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(name)s is no longer on the jury.") % {"name": member.user})
    return _back_to_page(member.edition_id)


# ---------------------------------------------------------------------------------------------------
# Accepting

UNUSABLE_STATUS = {
    selectors.InvitationState.ACCEPTED: 410,
    selectors.InvitationState.REVOKED: 410,
    selectors.InvitationState.EXPIRED: 410,
    "unknown": 404,
}


def jury_home_path() -> str:
    try:
        return reverse("jury:dashboard")
    except NoReverseMatch:
        return "/jury/"


def _after_accept_redirect(request: HttpRequest) -> HttpResponse:
    home = jury_home_path()
    if has_mfa(request.user):
        return redirect(home)
    messages.info(request, _("Jurors need two-factor authentication. Set it up now to see the nominations."))
    return redirect(f"{reverse('mfa_activate_totp')}?{urlencode({'next': home})}")


def _unusable(request: HttpRequest, state: str, invitation: Invitation | None) -> HttpResponse:
    context = {
        "state": state,
        "invitation": invitation,
        "accepted_by_you": (
            invitation is not None
            and invitation.accepted_by_id is not None
            and invitation.accepted_by_id == request.user.pk
        ),
        "jury_home": jury_home_path(),
    }
    return render(request, "jury/invitations/unusable.html", context, status=UNUSABLE_STATUS[state])


@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = selectors.invitation_for_token(token=token)
    if invitation is None:
        return _unusable(request, "unknown", None)
    state = selectors.invitation_state(invitation)
    if state != selectors.InvitationState.PENDING:
        request.session.pop(RESUME_AFTER_LOGIN_SESSION_KEY, None)
        return _unusable(request, state, invitation)
    if not request.user.is_authenticated:
        if request.method == "POST":
            return redirect_to_login(request.path)
        # A new account's confirmation e-mail ends on the login page without ?next=: resume from here.
        request.session[RESUME_AFTER_LOGIN_SESSION_KEY] = request.path
        next_query = urlencode({"next": request.path})
        context = {
            "invitation": invitation,
            "edition": invitation.edition,
            "login_url": f"{reverse('account_login')}?{next_query}",
            "signup_url": f"{reverse('account_signup')}?{next_query}",
        }
        return render(request, "jury/invitations/accept.html", context)
    if request.method == "POST":
        try:
            services.invitation_accept(actor=request.user, token=token, request=request)
        except services.InvitationNotUsable as error:
            invitation.refresh_from_db()
            return _unusable(request, error.state, invitation)
        except PermissionDenied:
            return redirect_to_login(request.path)
        request.session.pop(RESUME_AFTER_LOGIN_SESSION_KEY, None)
        messages.success(request, _("Welcome to the jury of %(edition)s.") % {"edition": invitation.edition})
        return _after_accept_redirect(request)
    context = {
        "invitation": invitation,
        "edition": invitation.edition,
        "different_email": request.user.email.lower() != invitation.email.lower(),
    }
    return render(request, "jury/invitations/accept.html", context)
