"""Two-factor authentication before any privileged page, in one place.

Which pages are privileged, and for whom, is PRIVILEGED_PAGES in the settings: URL names (fnmatch
patterns, first match wins) with the roles that need TOTP there. On top of it every page of the admin
site is privileged for staff, every other page whose path contains "/organiser/" for organisers, and
any view decorated with `mfa_required` for organisers and jurors. Someone holding such a role without a
TOTP authenticator is sent to set one up, with a message, before the view runs. Everyone else reaches
the view, which refuses them as it would anyway (404 or 403), so this gate never reveals more than the
view does.

"""

from collections.abc import Callable
from fnmatch import fnmatchcase
from functools import cache
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import ResolverMatch, reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from .rules import has_mfa

MFA_SETUP_URL_NAME = "mfa_activate_totp"


ORGANISER = "accounts.rules.is_organiser"
ORGANISER_OR_JUROR = ("accounts.rules.is_organiser", "jury.rules.is_seated_juror")
STAFF = "staff"


def mfa_required(view: Callable) -> Callable:
    """Mark a view as privileged: organisers and jurors need two-factor authentication there."""
    view.mfa_required = True
    return view


def roles_needing_mfa(match: ResolverMatch | None, path: str, view: Callable | None = None) -> tuple[str, ...]:
    """The roles that need TOTP on this page (dotted paths of predicates, or STAFF); empty if none do."""
    if match is None:
        return ()
    if "admin" in match.namespaces:
        return () if match.view_name in ("admin:login", "admin:logout") else (STAFF,)
    for pattern, roles in settings.PRIVILEGED_PAGES:
        if fnmatchcase(match.view_name, pattern):
            return tuple(roles)
    if getattr(view, "mfa_required", False):
        return ORGANISER_OR_JUROR
    if "/organiser/" in path:
        return (ORGANISER,)
    return ()


@cache
def _predicate(dotted: str) -> Callable:
    return import_string(dotted)


def holds_role(user, roles: tuple[str, ...]) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return any(user.is_staff if role == STAFF else _predicate(role)(user) for role in roles)


def mfa_setup_redirect(request: HttpRequest) -> HttpResponse:
    messages.info(request, _("Organisers and jurors need two-factor authentication. Set it up to continue."))
    next_path = request.get_full_path() if request.method == "GET" else request.path
    return redirect(f"{reverse(MFA_SETUP_URL_NAME)}?{urlencode({'next': next_path})}")


class MFARequiredMiddleware:
    """Sends privileged users without TOTP to set it up before any privileged view runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        roles = roles_needing_mfa(request.resolver_match, request.path_info, view_func)
        # The cheap tests first: most pages are not privileged, most privileged users already have TOTP.
        if not roles or has_mfa(user) or not holds_role(user, roles):
            return None
        return mfa_setup_redirect(request)
