import pytest
from django.test import RequestFactory
from django.urls import reverse

from core.audit import audit_record
from core.models import AppendOnlyError, AuditEvent
from tests.factories import EditionFactory, OrganiserFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_audit_record_stores_who_what_object_and_where():
    user = UserFactory(email="olivia@example.org")
    edition = EditionFactory(year=2031)
    request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.7", HTTP_USER_AGENT="Firefox/140")
    request.user = user

    event = audit_record(action="edition.updated", obj=edition, data={"field": "year"}, request=request)

    event.refresh_from_db()
    assert event.actor == user
    assert event.actor_label == "olivia@example.org"
    assert event.action == "edition.updated"
    assert event.object_type.model == "edition"
    assert event.object_id == str(edition.pk)
    assert event.object_label == "Flemingsberg Science Award STARTUP 2031"
    assert event.data == {"field": "year"}
    assert event.ip_address == "192.0.2.7"
    assert event.user_agent == "Firefox/140"


def test_forwarded_for_is_ignored_unless_trusted(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.9")
    request.user = UserFactory()

    settings.TRUST_X_FORWARDED_FOR = False
    assert audit_record(action="x", request=request).ip_address == "10.0.0.1"
    settings.TRUST_X_FORWARDED_FOR = True
    assert audit_record(action="x", request=request).ip_address == "203.0.113.9"


def test_audit_event_cannot_be_changed_through_the_orm():
    event = audit_record(action="nomination.submitted")

    event.action = "nomination.withdrawn"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="nomination.withdrawn")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.bulk_update([event], ["action"])
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()

    assert AuditEvent.objects.get(pk=event.pk).action == "nomination.submitted"


def test_deleting_the_actor_keeps_the_event_and_its_label():
    user = UserFactory(email="gone@example.org")
    event = audit_record(action="account.logged_in", actor=user)

    user.delete()

    event = AuditEvent.objects.get(pk=event.pk)
    assert event.actor is None
    assert event.actor_label == "gone@example.org"


def test_login_is_audited_with_the_address(client):
    UserFactory(email="startup@example.org")

    client.post(
        reverse("account_login"),
        {"login": "startup@example.org", "password": "correct-horse-battery"},
        REMOTE_ADDR="192.0.2.44",
    )

    event = AuditEvent.objects.get(action="account.logged_in")
    assert event.actor_label == "startup@example.org"
    assert event.ip_address == "192.0.2.44"


def test_admin_shows_audit_log_read_only(client):
    organiser = OrganiserFactory(is_superuser=True)
    event = audit_record(action="edition.created", actor=organiser)
    client.force_login(organiser)

    assert client.get(reverse("admin:core_auditevent_changelist")).status_code == 200
    assert client.get(reverse("admin:core_auditevent_change", args=[event.pk])).status_code == 200
    assert client.get(reverse("admin:core_auditevent_add")).status_code == 403
    assert client.get(reverse("admin:core_auditevent_delete", args=[event.pk])).status_code == 403
    response = client.post(reverse("admin:core_auditevent_change", args=[event.pk]), {"action": "changed"})
    assert response.status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).action == "edition.created"
