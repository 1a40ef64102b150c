"""Organisers invite jurors by e-mail; the invited person accepts with or without an account."""

import re
from datetime import timedelta
from urllib.parse import urlencode

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from core.models import AuditEvent
from jury.models import Invitation, JuryMember, JuryRole, Scorecard, hash_token
from tests.core.test_security_headers import assert_strict_csp
from tests.factories import (
    EditionFactory,
    InvitationFactory,
    JuryMemberFactory,
    NominationFactory,
    OrganiserFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://\S+/jury/invitations/accept/([A-Za-z0-9_-]+)/")
PASSWORD = "a-long-pass-phrase-9"


@pytest.fixture
def edition():
    return EditionFactory()


@pytest.fixture
def organiser():
    return OrganiserFactory(email="organiser@flemingsbergscience.example")


@pytest.fixture
def organiser_client(client, organiser):
    client.force_login(organiser)
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


def page_url(edition) -> str:
    return reverse("jury:invitations", args=[edition.pk])


def accept_url(token: str) -> str:
    return reverse("jury:invitation_accept", args=[token])


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def invite(client, edition, capture, **data):
    data = {"email": "juror@karolinska.example", "name": "Eva Lind", "role": JuryRole.JUROR, **data}
    with capture(execute=True):
        return client.post(page_url(edition), data)


def token_from_mail(message) -> str:
    match = LINK.search(message.body)
    assert match, message.body
    return match.group(1)


def actions() -> list[str]:
    """The jury's audit events (logins are audited too, and not of interest here)."""
    return list(AuditEvent.objects.filter(action__startswith="jury").order_by("pk").values_list("action", flat=True))


# Inviting


def test_invite_sends_a_link_and_stores_only_the_hash(
    organiser_client, organiser, edition, django_capture_on_commit_callbacks
):
    response = invite(organiser_client, edition, django_capture_on_commit_callbacks, email=" Juror@Karolinska.example ")

    assert response.status_code == 302
    assert response["Location"] == page_url(edition)
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.name, invitation.role) == ("juror@karolinska.example", "Eva Lind", "juror")
    assert invitation.invited_by == organiser
    assert invitation.sent_at is not None
    assert invitation.expires_at - invitation.sent_at == timedelta(days=Invitation.VALID_FOR_DAYS)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["juror@karolinska.example"]
    assert message.subject == f"[Flemingsberg Science Award] Invitation to the jury of {edition}"
    assert "Dear Eva Lind," in message.body
    token = token_from_mail(message)
    assert f"{settings.SITE_URL}{accept_url(token)}" in message.body
    assert invitation.token_hash == hash_token(token) != token
    # The token is nowhere in the database: not on the invitation, not in the audit log.
    assert not Invitation.objects.filter(token_hash=token).exists()
    assert all(token not in str(data) for data in AuditEvent.objects.values_list("data", flat=True))
    event = AuditEvent.objects.get(action="jury_invitation.created")
    assert event.actor == organiser
    assert event.data["email"] == "juror@karolinska.example"
    assert event.data["role"] == "juror"
    assert "The invitation is on its way to juror@karolinska.example." in messages_of(
        organiser_client.get(page_url(edition))
    )


def test_invitation_mail_is_in_the_language_of_the_organisers_page(
    client, organiser, edition, django_capture_on_commit_callbacks
):
    client.force_login(organiser)
    client.cookies["django_language"] = "sv"
    footer = "Flemingsberg Science Award STARTUP is awarded by the Flemingsberg Science foundation, Stockholm."
    with translation.override("sv"):
        swedish_footer = gettext(footer)
    assert swedish_footer != footer

    invite(client, edition, django_capture_on_commit_callbacks)

    assert swedish_footer in mail.outbox[0].body


def test_open_invitation_to_the_same_address_is_refused(organiser_client, edition, django_capture_on_commit_callbacks):
    InvitationFactory(edition=edition, email="juror@karolinska.example")

    response = invite(organiser_client, edition, django_capture_on_commit_callbacks, email="JUROR@karolinska.example")

    assert response.status_code == 400
    assert "This person already has an open invitation to this jury." in response.content.decode()
    assert Invitation.objects.count() == 1
    assert mail.outbox == []


def test_same_address_may_be_invited_to_another_edition(organiser_client, edition, django_capture_on_commit_callbacks):
    InvitationFactory(email="juror@karolinska.example")

    response = invite(organiser_client, edition, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert Invitation.objects.filter(email="juror@karolinska.example").count() == 2


def test_inviting_a_member_of_the_jury_is_refused(organiser_client, edition, django_capture_on_commit_callbacks):
    JuryMemberFactory(edition=edition, user=UserFactory(email="juror@karolinska.example"))

    response = invite(organiser_client, edition, django_capture_on_commit_callbacks)

    assert response.status_code == 400
    assert "This person is already on the jury." in response.content.decode()
    assert Invitation.objects.count() == 0
    assert mail.outbox == []


def test_invalid_address_is_refused(organiser_client, edition, django_capture_on_commit_callbacks):
    response = invite(organiser_client, edition, django_capture_on_commit_callbacks, email="not-an-address")

    assert response.status_code == 400
    assert Invitation.objects.count() == 0
    assert "Nobody was invited. Please correct the marked fields." in messages_of(response)


def test_inviting_again_after_expiry_renews_the_invitation(
    organiser_client, organiser, edition, django_capture_on_commit_callbacks
):
    old = InvitationFactory(edition=edition, email="juror@karolinska.example", role=JuryRole.JUROR)
    with time_machine.travel(timezone.now() + timedelta(days=Invitation.VALID_FOR_DAYS, minutes=1)):
        organiser_client.force_login(organiser)  # the session of two weeks ago has expired
        response = invite(organiser_client, edition, django_capture_on_commit_callbacks, role=JuryRole.CHAIR)
        new_token = token_from_mail(mail.outbox[0])

        assert response.status_code == 302
        invitation = Invitation.objects.get()
        assert invitation.pk == old.pk
        assert invitation.role == JuryRole.CHAIR
        assert invitation.expires_at > timezone.now()
        assert organiser_client.get(accept_url(old.token)).status_code == 404
        assert organiser_client.get(accept_url(new_token)).status_code == 200
    assert AuditEvent.objects.get(action="jury_invitation.created").data["renewed_expired"] is True


# Re-sending and revoking


def test_resend_gives_a_new_link_and_the_old_one_stops_working(
    organiser_client, organiser, edition, django_capture_on_commit_callbacks
):
    invitation = InvitationFactory(edition=edition, email="juror@karolinska.example")
    with time_machine.travel(timezone.now() + timedelta(days=10), tick=False):
        organiser_client.force_login(organiser)
        with django_capture_on_commit_callbacks(execute=True):
            response = organiser_client.post(reverse("jury:invitation_resend", args=[invitation.pk]))
        now = timezone.now()

    assert response.status_code == 302
    invitation.refresh_from_db()
    new_token = token_from_mail(mail.outbox[0])
    assert new_token != invitation.token
    assert invitation.token_hash == hash_token(new_token)
    assert invitation.sent_at == now
    assert invitation.expires_at == now + timedelta(days=Invitation.VALID_FOR_DAYS)
    old = organiser_client.get(accept_url(invitation.token))
    assert old.status_code == 404
    assert "only the link in the latest one works" in old.content.decode()
    assert organiser_client.get(accept_url(new_token)).status_code == 200
    event = AuditEvent.objects.get(action="jury_invitation.resent")
    assert (event.actor, event.object_id) == (organiser, str(invitation.pk))


def test_expired_invitation_can_be_sent_again(organiser_client, organiser, edition, django_capture_on_commit_callbacks):
    invitation = InvitationFactory(edition=edition)
    with time_machine.travel(timezone.now() + timedelta(days=Invitation.VALID_FOR_DAYS + 1)):
        organiser_client.force_login(organiser)
        with django_capture_on_commit_callbacks(execute=True):
            organiser_client.post(reverse("jury:invitation_resend", args=[invitation.pk]))

        assert organiser_client.get(accept_url(token_from_mail(mail.outbox[0]))).status_code == 200


def test_revoke_stops_the_link(organiser_client, organiser, edition, english):
    invitation = InvitationFactory(edition=edition)

    response = organiser_client.post(reverse("jury:invitation_revoke", args=[invitation.pk]))

    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    page = organiser_client.get(accept_url(invitation.token))
    assert page.status_code == 410
    assert "This invitation has been withdrawn" in page.content.decode()
    assert AuditEvent.objects.get(action="jury_invitation.revoked").actor == organiser


def test_revoked_invitation_cannot_be_sent_again(organiser_client, edition, django_capture_on_commit_callbacks):
    invitation = InvitationFactory(edition=edition, revoked_at=timezone.now())

    with django_capture_on_commit_callbacks(execute=True):
        response = organiser_client.post(reverse("jury:invitation_resend", args=[invitation.pk]), follow=True)

    assert "Only a pending or expired invitation can be sent again." in messages_of(response)
    assert mail.outbox == []


def test_accepted_invitation_cannot_be_revoked(organiser_client, edition):
    invitation = InvitationFactory(edition=edition, accepted_at=timezone.now())

    response = organiser_client.post(reverse("jury:invitation_revoke", args=[invitation.pk]), follow=True)

    invitation.refresh_from_db()
    assert invitation.revoked_at is None
    assert "This invitation has been accepted. Remove the member from the jury instead." in messages_of(response)


def test_revoked_address_can_be_invited_again(organiser_client, edition, django_capture_on_commit_callbacks):
    InvitationFactory(edition=edition, email="juror@karolinska.example", revoked_at=timezone.now())

    response = invite(organiser_client, edition, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert Invitation.objects.filter(email="juror@karolinska.example").count() == 2


# The organiser's page


def test_page_shows_the_jury_and_each_invitations_derived_state(organiser_client, edition):
    JuryMemberFactory(edition=edition, user=UserFactory(name="Ada Chair"), role=JuryRole.CHAIR)
    InvitationFactory(edition=edition, email="pending@example.org")
    InvitationFactory(edition=edition, email="accepted@example.org", accepted_at=timezone.now())
    InvitationFactory(edition=edition, email="revoked@example.org", revoked_at=timezone.now())
    InvitationFactory(edition=edition, email="expired@example.org", expires_at=timezone.now() - timedelta(seconds=1))
    InvitationFactory(email="other-edition@example.org")

    response = organiser_client.get(page_url(edition))

    assert response.status_code == 200
    assert_strict_csp(response, page_url(edition))
    states = {i.email: i.state for i in response.context["invitations"]}
    assert states == {
        "pending@example.org": "pending",
        "accepted@example.org": "accepted",
        "revoked@example.org": "revoked",
        "expired@example.org": "expired",
    }
    html = response.content.decode()
    assert "Ada Chair" in html
    for label in ("Pending", "Accepted", "Revoked", "Expired"):
        assert label in html


def test_page_costs_the_same_queries_for_one_or_three_of_each(organiser_client, edition):
    def add_one():
        member = JuryMemberFactory(edition=edition)
        nomination = NominationFactory(edition=edition)
        Scorecard.objects.create(
            juror=member.user, nomination=nomination, status=Scorecard.Status.SUBMITTED, submitted_at=timezone.now()
        )
        InvitationFactory(edition=edition, accepted_at=timezone.now(), accepted_by=member.user)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert organiser_client.get(page_url(edition)).status_code == 200
        return len(queries)

    add_one()
    one = count()
    add_one()
    add_one()

    assert count() == one


# Accepting


def test_accept_page_shows_the_edition_and_role(client, edition, english):
    invitation = InvitationFactory(edition=edition, role=JuryRole.CHAIR)
    client.force_login(UserFactory(email=invitation.email))

    response = client.get(accept_url(invitation.token))

    assert response.status_code == 200
    assert_strict_csp(response, "accept")
    assert response["Cache-Control"].startswith("max-age=0")
    html = response.content.decode()
    assert str(edition) in html and "Jury chair" in html and "Accept the invitation" in html
    assert "not " + invitation.email not in html


def test_accept_logged_in_seats_the_juror_and_sends_them_to_set_up_mfa(client, edition):
    invitation = InvitationFactory(edition=edition, role=JuryRole.CHAIR)
    user = UserFactory(email=invitation.email)
    client.force_login(user)

    response = client.post(accept_url(invitation.token))

    member = JuryMember.objects.get(edition=edition, user=user)
    assert member.role == JuryRole.CHAIR
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None and invitation.accepted_by == user
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('mfa_activate_totp')}?{urlencode({'next': '/jury/'})}"
    assert actions() == ["jury_invitation.accepted", "jury_member.added"]
    accepted = AuditEvent.objects.get(action="jury_invitation.accepted")
    assert accepted.actor == user
    assert accepted.data["invited_email"] == accepted.data["accepted_by_email"] == invitation.email
    assert AuditEvent.objects.get(action="jury_member.added").data["role"] == "chair"


def test_accept_with_mfa_goes_to_the_jury_pages(client, edition):
    invitation = InvitationFactory(edition=edition)
    user = UserFactory()
    TOTP.activate(user, generate_totp_secret())
    client.force_login(user)

    response = client.post(accept_url(invitation.token))

    assert response["Location"] == "/jury/"


def test_account_with_another_address_may_accept_and_the_log_says_which(client, edition, english):
    invitation = InvitationFactory(edition=edition, email="eva.lind@ki.example")
    user = UserFactory(email="eva@private.example")
    client.force_login(user)

    page = client.get(accept_url(invitation.token)).content.decode()
    client.post(accept_url(invitation.token))

    assert "You are logged in as eva@private.example, not eva.lind@ki.example." in page
    assert JuryMember.objects.filter(edition=edition, user=user).exists()
    data = AuditEvent.objects.get(action="jury_invitation.accepted").data
    assert (data["invited_email"], data["accepted_by_email"], data["same_email"]) == (
        "eva.lind@ki.example",
        "eva@private.example",
        False,
    )


def test_logged_out_visitor_gets_login_and_signup_links_back_here(client, edition, english):
    invitation = InvitationFactory(edition=edition)
    url = accept_url(invitation.token)

    response = client.get(url)

    assert response.status_code == 200
    html = response.content.decode()
    query = urlencode({"next": url})
    assert f'href="{reverse("account_login")}?{query}"' in html
    assert f'href="{reverse("account_signup")}?{query}"' in html
    assert "Accept the invitation" not in html


def test_logged_out_post_goes_to_login_and_accepts_nothing(client, edition):
    invitation = InvitationFactory(edition=edition)

    response = client.post(accept_url(invitation.token))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert JuryMember.objects.count() == 0


def test_login_with_next_comes_back_to_accept(client, edition):
    invitation = InvitationFactory(edition=edition)
    user = UserFactory(email="juror@karolinska.example")
    url = accept_url(invitation.token)

    response = client.post(
        f"{reverse('account_login')}?{urlencode({'next': url})}",
        {"login": user.email, "password": "correct-horse-battery"},
    )
    assert response["Location"] == url
    client.post(url)

    assert JuryMember.objects.filter(edition=edition, user=user).exists()


def test_signup_then_accept(client, edition, django_capture_on_commit_callbacks):
    invitation = InvitationFactory(edition=edition, email="new.juror@kth.example")
    url = accept_url(invitation.token)
    signup_url = f"{reverse('account_signup')}?{urlencode({'next': url})}"
    assert signup_url in client.get(url).content.decode().replace("&amp;", "&")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            signup_url, {"email": "new.juror@kth.example", "password1": PASSWORD, "password2": PASSWORD}
        )
    assert response["Location"] == reverse("account_email_verification_sent")
    confirm_path = re.search(r"/accounts/confirm-email/[^/\s]+/", mail.outbox[-1].body).group(0)
    response = client.post(confirm_path)
    assert response["Location"] == reverse("account_login")
    # The login page no longer carries ?next=; the accept page asked to be resumed after login.
    response = client.post(reverse("account_login"), {"login": "new.juror@kth.example", "password": PASSWORD})
    assert response["Location"] == url
    response = client.post(url)

    user = JuryMember.objects.get(edition=edition).user
    assert user.email == "new.juror@kth.example"
    assert response["Location"].startswith(reverse("mfa_activate_totp"))
    # Resumed once only.
    client.logout()
    response = client.post(reverse("account_login"), {"login": "new.juror@kth.example", "password": PASSWORD})
    assert response["Location"] == reverse(settings.LOGIN_REDIRECT_URL)


def test_accepting_when_already_a_member_keeps_the_seat(client, edition):
    member = JuryMemberFactory(edition=edition, role=JuryRole.JUROR)
    invitation = InvitationFactory(edition=edition, email=member.user.email, role=JuryRole.CHAIR)
    client.force_login(member.user)

    response = client.post(accept_url(invitation.token))

    assert response.status_code == 302
    assert JuryMember.objects.filter(edition=edition).count() == 1
    assert JuryMember.objects.get().role == JuryRole.JUROR
    invitation.refresh_from_db()
    assert invitation.accepted_by == member.user
    assert actions() == ["jury_invitation.accepted"]
    assert AuditEvent.objects.get(action="jury_invitation.accepted").data["already_member"] is True


def test_used_link_gets_a_clear_page(client, edition, english):
    invitation = InvitationFactory(edition=edition)
    user = UserFactory()
    client.force_login(user)
    client.post(accept_url(invitation.token))

    again = client.post(accept_url(invitation.token))
    someone_else = client
    someone_else.force_login(UserFactory())
    other = someone_else.get(accept_url(invitation.token))

    assert again.status_code == 410
    assert "This invitation has already been accepted" in again.content.decode()
    assert "Go to your jury work" in again.content.decode()
    assert other.status_code == 410
    assert "Go to your jury work" not in other.content.decode()
    assert JuryMember.objects.filter(edition=edition).count() == 1


def test_expired_link_gets_a_clear_page_and_accepts_nothing(client, edition, english):
    invitation = InvitationFactory(edition=edition)
    client.force_login(UserFactory())

    with time_machine.travel(timezone.now() + timedelta(days=Invitation.VALID_FOR_DAYS, seconds=1)):
        page = client.get(accept_url(invitation.token))
        post = client.post(accept_url(invitation.token))

    assert page.status_code == post.status_code == 410
    assert "This invitation has expired" in page.content.decode()
    assert JuryMember.objects.count() == 0


def test_link_works_until_just_before_it_expires(client, edition):
    invitation = InvitationFactory(edition=edition)
    user = UserFactory()

    with time_machine.travel(invitation.expires_at - timedelta(seconds=1), tick=False):
        client.force_login(user)
        response = client.post(accept_url(invitation.token))

    assert response.status_code == 302
    assert JuryMember.objects.count() == 1


@pytest.mark.parametrize("token", ["nonsense", "x" * 43, "a.b"])
def test_unknown_link_gets_a_clear_404(client, token, english):
    response = client.get(accept_url(token))
    post = client.post(accept_url(token))

    assert response.status_code == post.status_code == 404
    assert "This invitation link is not valid" in response.content.decode()


def test_revoked_between_page_and_button_accepts_nothing(client, edition, english):
    invitation = InvitationFactory(edition=edition)
    client.force_login(UserFactory())
    assert client.get(accept_url(invitation.token)).status_code == 200
    Invitation.objects.filter(pk=invitation.pk).update(revoked_at=timezone.now())

    response = client.post(accept_url(invitation.token))

    assert response.status_code == 410
    assert JuryMember.objects.count() == 0


# Members: role and removal


def test_role_change(organiser_client, organiser, edition):
    member = JuryMemberFactory(edition=edition, role=JuryRole.JUROR)

    response = organiser_client.post(
        reverse("jury:invitations_member_role", args=[member.pk]), {"role": JuryRole.CHAIR}, follow=True
    )

    member.refresh_from_db()
    assert member.role == JuryRole.CHAIR
    assert f"{member.user} is now jury chair." in messages_of(response)
    event = AuditEvent.objects.get(action="jury_member.role_changed")
    assert (event.actor, event.data["from"], event.data["to"]) == (organiser, "juror", "chair")


def test_role_change_to_nonsense_is_refused(organiser_client, edition):
    member = JuryMemberFactory(edition=edition, role=JuryRole.JUROR)

    organiser_client.post(reverse("jury:invitations_member_role", args=[member.pk]), {"role": "king"})

    member.refresh_from_db()
    assert member.role == JuryRole.JUROR
    assert actions() == []


def test_member_without_submitted_scorecards_can_be_removed(organiser_client, organiser, edition):
    member = JuryMemberFactory(edition=edition)
    Scorecard.objects.create(juror=member.user, nomination=NominationFactory(edition=edition))  # a draft

    response = organiser_client.post(reverse("jury:invitations_member_remove", args=[member.pk]), follow=True)

    assert not JuryMember.objects.filter(pk=member.pk).exists()
    assert f"{member.user} is no longer on the jury." in messages_of(response)
    event = AuditEvent.objects.get(action="jury_member.removed")
    assert (event.actor, event.data["email"]) == (organiser, member.user.email)


def test_member_with_submitted_scorecards_cannot_be_removed(organiser_client, edition):
    member = JuryMemberFactory(edition=edition)
    Scorecard.objects.create(
        juror=member.user,
        nomination=NominationFactory(edition=edition),
        status=Scorecard.Status.SUBMITTED,
        submitted_at=timezone.now(),
    )

    response = organiser_client.post(reverse("jury:invitations_member_remove", args=[member.pk]), follow=True)

    assert JuryMember.objects.filter(pk=member.pk).exists()
    assert (
        f"{member.user} has submitted scorecards in this edition and cannot be removed from the jury. "
        "Their scores are part of the result."
    ) in messages_of(response)
    assert "Cannot be removed: has submitted scorecards" in response.content.decode()
    assert not AuditEvent.objects.filter(action="jury_member.removed").exists()


def test_submitted_scorecards_in_another_edition_do_not_block_removal(organiser_client, edition):
    member = JuryMemberFactory(edition=edition)
    Scorecard.objects.create(
        juror=member.user,
        nomination=NominationFactory(),
        status=Scorecard.Status.SUBMITTED,
        submitted_at=timezone.now(),
    )

    organiser_client.post(reverse("jury:invitations_member_remove", args=[member.pk]))

    assert not JuryMember.objects.filter(pk=member.pk).exists()


# Access


def organiser_requests(edition):
    invitation = InvitationFactory(edition=edition)
    member = JuryMemberFactory(edition=edition)
    return [
        ("get", page_url(edition), {}),
        ("post", page_url(edition), {"email": "x@example.org", "role": "juror"}),
        ("post", reverse("jury:invitation_resend", args=[invitation.pk]), {}),
        ("post", reverse("jury:invitation_revoke", args=[invitation.pk]), {}),
        ("post", reverse("jury:invitations_member_role", args=[member.pk]), {"role": "chair"}),
        ("post", reverse("jury:invitations_member_remove", args=[member.pk]), {}),
    ]


def test_anonymous_visitors_are_sent_to_log_in(client, edition):
    for method, url, data in organiser_requests(edition):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("account_login")), url


@pytest.mark.parametrize("who", ["user", "juror", "staff_not_organiser"])
def test_non_organisers_get_404_and_change_nothing(client, edition, who, django_capture_on_commit_callbacks):
    requests = organiser_requests(edition)
    if who == "user":
        user = UserFactory()
    elif who == "juror":
        user = JuryMemberFactory(edition=edition, role=JuryRole.CHAIR).user
    else:
        user = UserFactory(is_staff=True)
    client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        for method, url, data in requests:
            assert getattr(client, method)(url, data).status_code == 404, url

    assert Invitation.objects.filter(revoked_at__isnull=True).count() == 1
    assert JuryMember.objects.filter(role=JuryRole.CHAIR).count() == (1 if who == "juror" else 0)
    assert actions() == []
    assert mail.outbox == []


def test_unknown_edition_is_404_for_organisers(organiser_client):
    assert organiser_client.get(reverse("jury:invitations", args=[999999])).status_code == 404


def test_accept_url_is_get_or_post_only(client, edition):
    invitation = InvitationFactory(edition=edition)

    assert client.put(accept_url(invitation.token)).status_code == 405
