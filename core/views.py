import sys

from django.db import InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils import translation
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

# Seconds a client is asked to wait before trying again while the database is unreachable.
DATABASE_RETRY_AFTER = 30


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and compose health checks: the process serves and the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500. When the database cannot be reached (restarted, failed over, out of connections),
    a 503 page that says so and asks to try again, instead of the generic error (Django logs the exception either way); the connection
    recovers by itself (CONN_HEALTH_CHECKS), so the next request after the outage succeeds."""
    error = sys.exc_info()[1]
    if not isinstance(error, OperationalError | InterfaceError):
        return defaults.server_error(request)
    # The language from the cookie or the browser; the user's saved language needs the database.
    with translation.override(translation.get_language_from_request(request)):
        content = loader.get_template("503.html").render()
    response = HttpResponse(content, status=503)
    response["Retry-After"] = str(DATABASE_RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response
