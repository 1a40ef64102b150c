"""Scores that arrive after the juror's session expired are not lost: the post is kept in the cache
under a random token for a day, and the token goes to the browser in a signed cookie. After logging
in again the juror lands back on the scoring page, which fills the form from the stash (once) and
asks them to check and save it. Nothing is saved on their behalf: the stash came from a browser
without a session, so only the juror who logs in there can decide to keep it.

The cookie binds the stash to the browser that sent it: a link cannot plant scores in another
juror's form."""

import secrets

from django.conf import settings
from django.core.cache import cache
from django.core.signing import BadSignature
from django.http import HttpRequest, HttpResponse

COOKIE_NAME = "jury_stash"
COOKIE_SALT = "jury.draft_stash"
COOKIE_PATH = "/jury/"
KEEP_SECONDS = 24 * 60 * 60


def _key(token: str) -> str:
    return f"jury:draft-stash:{token}"


def stash(*, nomination_id: int, fields: dict[str, str]) -> str:
    token = secrets.token_urlsafe(24)
    cache.set(_key(token), {"nomination": nomination_id, "fields": fields}, KEEP_SECONDS)
    return token


def set_cookie(response: HttpResponse, token: str) -> None:
    response.set_signed_cookie(
        COOKIE_NAME,
        token,
        salt=COOKIE_SALT,
        max_age=KEEP_SECONDS,
        path=COOKIE_PATH,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def delete_cookie(response: HttpResponse) -> None:
    response.delete_cookie(COOKIE_NAME, path=COOKIE_PATH, samesite="Lax")


def pop(request: HttpRequest, *, nomination_id: int) -> dict[str, str] | None:
    """The fields kept for this nomination from this browser, removed as they are read."""
    try:
        token = request.get_signed_cookie(COOKIE_NAME, salt=COOKIE_SALT, max_age=KEEP_SECONDS)
    except (KeyError, BadSignature):
        return None
    kept = cache.get(_key(token))
    if not kept or kept.get("nomination") != nomination_id:
        return None
    cache.delete(_key(token))
    return kept.get("fields") or {}
