from django.conf import settings


def site(request):
    return {"SITE_NAME": "Flemingsberg Science Award STARTUP", "ADMIN_URL": settings.ADMIN_URL}
