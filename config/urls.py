from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from accounts.language import set_language
from core import views as core_views

# The admin signs in through allauth, so its rate limits and MFA apply there too.
admin.autodiscover()
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "Flemingsberg Science Award"

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    # Before Django's own switch: the same address, which also remembers the choice on the user.
    path("i18n/setlang/", set_language, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/privacy/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path(settings.ADMIN_URL, admin.site.urls),
    path("nominations/", include("nominations.urls")),
    path("jury/", include("jury.urls")),
    path("results/", include("jury.verdict.urls")),
    path("", include("awards.urls")),
    path("", include("awards.results.urls")),
]

handler500 = "core.views.server_error"
