"""How long a login lasts, and ending every session of a person at once.

A session ends after SESSION_IDLE_TIMEOUT seconds without a request and SESSION_ABSOLUTE_TIMEOUT seconds
after the login, whichever comes first. Deactivating an account or deleting it ends all its sessions
(allauth.usersessions keeps the list); the authentication backends refuse inactive users as well, so a
session the list missed still logs nobody in."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

LOGGED_IN_AT_KEY = "_auth_logged_in_at"
SEEN_AT_KEY = "_auth_seen_at"
# Writing the session on every request costs a database write; a minute of slack on the idle clock does not matter.
SEEN_AT_RESOLUTION = 60


def user_sessions_end(*, user) -> int:
    """End every session the user has open anywhere; returns how many were ended. allauth's list of them
    and the sessions' own user column are both used, so a session one of them missed ends too."""
    from allauth.usersessions.models import UserSession

    from .models import Session

    sessions = list(UserSession.objects.filter(user_id=user.pk))
    for session in sessions:
        session.end()
    missed, _ = Session.objects.filter(user_id=user.pk).delete()
    return len(sessions) + missed


@receiver(user_logged_in)
def remember_login_time(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[LOGGED_IN_AT_KEY] = now
        request.session[SEEN_AT_KEY] = now


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def end_sessions_of_deactivated_user(sender, instance, created, **kwargs):
    if not created and not instance.is_active:
        user_sessions_end(user=instance)


class SessionTimeoutMiddleware:
    """Logs out a session that has been idle too long or is too old, before the view runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            self._check(request)
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> None:
        session = request.session
        now = int(time.time())
        logged_in_at = session.get(LOGGED_IN_AT_KEY)
        seen_at = session.get(SEEN_AT_KEY)
        if not isinstance(logged_in_at, int) or not isinstance(seen_at, int):
            # A session from before these keys existed: its clocks start now.
            session[LOGGED_IN_AT_KEY] = logged_in_at if isinstance(logged_in_at, int) else now
            session[SEEN_AT_KEY] = now
            return
        idle = now - seen_at > settings.SESSION_IDLE_TIMEOUT
        too_old = now - logged_in_at > settings.SESSION_ABSOLUTE_TIMEOUT
        if idle or too_old:
            logout(request)
            messages.info(request, _("You were logged out because your session expired. Please log in again."))
            return
        if now - seen_at >= SEEN_AT_RESOLUTION:
            session[SEEN_AT_KEY] = now
