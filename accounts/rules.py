"""Role predicates. Organisers are a staff group; applicant and juror predicates live with their data
(nominations/rules.py, jury/rules.py) and combine with these."""

import rules
from django.conf import settings


@rules.predicate
def is_verified(user) -> bool:
    if not user.is_authenticated:
        return False
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.filter(user=user, verified=True).exists()


@rules.predicate
def is_organiser(user) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return user.is_staff and user.groups.filter(name=settings.ORGANISERS_GROUP).exists()


@rules.predicate
def has_mfa(user) -> bool:
    if not user.is_authenticated:
        return False
    from allauth.mfa.models import Authenticator

    from core.db import row_exists

    return row_exists(Authenticator, "user_id = %s AND type = %s", [user.pk, Authenticator.Type.TOTP])


rules.add_perm("accounts.view_organiser_area", is_organiser)
