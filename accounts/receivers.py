"""Account events from allauth and Django written to the audit log."""

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from django.contrib.auth import signals as auth_signals
from django.dispatch import receiver

from core.audit import audit_record

from .language import user_language_remember


@receiver(account_signals.user_signed_up)
def audit_signed_up(sender, request, user, **kwargs):
    audit_record(action="account.signed_up", actor=user, obj=user, request=request)
    user_language_remember(user=user, language=getattr(request, "LANGUAGE_CODE", None))


@receiver(auth_signals.user_logged_in)
def audit_logged_in(sender, request, user, **kwargs):
    audit_record(action="account.logged_in", actor=user, obj=user, request=request)
    user_language_remember(user=user, language=getattr(request, "LANGUAGE_CODE", None))


@receiver(auth_signals.user_logged_out)
def audit_logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(action="account.logged_out", actor=user, obj=user, request=request)


@receiver(auth_signals.user_login_failed)
def audit_login_failed(sender, credentials, request=None, **kwargs):
    audit_record(
        action="account.login_failed", data={"login": str(credentials.get("email", ""))[:254]}, request=request
    )


@receiver(account_signals.email_confirmed)
def audit_email_confirmed(sender, request, email_address, **kwargs):
    audit_record(
        action="account.email_confirmed",
        actor=email_address.user,
        obj=email_address.user,
        data={"email": email_address.email},
        request=request,
    )


@receiver(account_signals.email_changed)
def audit_email_changed(sender, request, user, from_email_address, to_email_address, **kwargs):
    audit_record(
        action="account.email_changed",
        actor=user,
        obj=user,
        data={"from": getattr(from_email_address, "email", ""), "to": to_email_address.email},
        request=request,
    )


@receiver(account_signals.password_changed)
def audit_password_changed(sender, request, user, **kwargs):
    audit_record(action="account.password_changed", actor=user, obj=user, request=request)


@receiver(account_signals.password_reset)
def audit_password_reset(sender, request, user, **kwargs):
    audit_record(action="account.password_reset", actor=user, obj=user, request=request)


@receiver(mfa_signals.authenticator_added)
def audit_mfa_added(sender, request, user, authenticator, **kwargs):
    audit_record(action="account.mfa_added", actor=user, obj=user, data={"type": authenticator.type}, request=request)


@receiver(mfa_signals.authenticator_removed)
def audit_mfa_removed(sender, request, user, authenticator, **kwargs):
    audit_record(action="account.mfa_removed", actor=user, obj=user, data={"type": authenticator.type}, request=request)
