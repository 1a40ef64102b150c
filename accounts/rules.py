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
    """A TOTP authenticator is set up (for the logged-in user: as read with the session, at the request's start)."""
    if not user.is_authenticated:
        return False
    from .session_store import user_fact

    known = user_fact(user, HAS_MFA)
    if known is not None:
        return known
    from allauth.mfa.models import Authenticator

    from core.db import row_exists

    return row_exists(Authenticator, "user_id = %s AND type = %s", [user.pk, Authenticator.Type.TOTP])


HAS_MFA = "has_mfa"


def has_mfa_sql(connection) -> str:
    """has_mfa() as an SQL expression over the user's id `u.id` (read with every session)."""
    from allauth.mfa.models import Authenticator

    table = connection.ops.quote_name(Authenticator._meta.db_table)
    return f"EXISTS (SELECT 1 FROM {table} WHERE user_id = u.id AND type = '{Authenticator.Type.TOTP}')"  # noqa: S608  # nosec B608 - our table and a constant


rules.add_perm("accounts.view_organiser_area", is_organiser)
