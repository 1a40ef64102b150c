"""The user's language: remembered at sign-up, login and on a switch of language, so that e-mails sent
later, outside any request, can be written in it."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import check_for_language
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

SITE_LANGUAGES = {code for code, _name in settings.LANGUAGES}


def user_language_remember(*, user, language: str | None) -> None:
    code = (language or "")[:2]
    if user is None or not user.is_authenticated or code not in SITE_LANGUAGES or user.language == code:
        return
    user.language = code
    user.save(update_fields=["language"])


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, which also stores the choice on a logged-in user."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if check_for_language(language):
        user_language_remember(user=request.user, language=language)
    return response
