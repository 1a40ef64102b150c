"""Every django-allauth page we use renders inside the site layout, with Bootstrap markup and no
inline scripts (the Content-Security-Policy would block them), in Swedish and in English."""

import re

import pytest
from allauth.account.forms import AddEmailForm, default_token_generator
from allauth.account.internal.flows.reauthentication import reauthenticate_by_password
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import AnonymousUser
from django.template import loader
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
BRAND_LINK = ">Flemingsberg Science Award</a>"
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE)


@pytest.fixture(params=["sv", "en"])
def language(request):
    return request.param


@pytest.fixture
def browser(language):
    """A client whose browser asks for the language under test."""
    return Client(HTTP_ACCEPT_LANGUAGE=language)


def html_of(response) -> str:
    assert response.status_code == 200, response
    assert response["Content-Type"].startswith("text/html")
    return response.content.decode()


def assert_site_page(response, language: str, *bootstrap: str) -> str:
    """The page is ours (navbar, language), uses the given Bootstrap classes and would run under the CSP."""
    html = html_of(response)
    assert BRAND_LINK in html, "the site navbar is missing"
    assert f'<html lang="{language}">' in html
    for css_class in bootstrap:
        assert css_class in html, f"{css_class!r} not on the page"
    scripts = SCRIPT_TAG.findall(html)
    assert scripts, "base.html's Bootstrap bundle is missing"
    for attributes in scripts:
        assert "src=" in attributes, f"inline <script{attributes}>"
        assert "nonce=" in attributes, f"<script{attributes}> has no nonce"
    assert "<style" not in html.lower()
    assert not STYLE_ATTRIBUTE.search(html), "inline style attribute"
    assert "{%" not in html and "{{" not in html
    return html


def record_reauthentication(client: Client, user) -> None:
    """Tell allauth the user just confirmed their password in this session, as its reauthenticate
    view would, so pages behind reauthentication open directly."""
    request = RequestFactory().get("/")
    request.session = client.session
    request.user = user
    reauthenticate_by_password(request)
    request.session.save()


def activate_totp(user) -> None:
    TOTP.activate(user, generate_totp_secret())
    RecoveryCodes.activate(user)


# Pages for visitors who are not logged in.


@pytest.mark.parametrize(
    ("url_name", "bootstrap"),
    [
        ("account_login", ["form-control", "form-check-input", "card-body", "btn btn-primary"]),
        ("account_signup", ["form-control", "form-text", "card-body"]),
        ("account_reset_password", ["form-control", "card-body"]),
        ("account_reset_password_done", ["card-body"]),
        ("account_reset_password_from_key_done", ["card-body"]),
        ("account_inactive", ["card-body"]),
        ("account_email_verification_sent", ["card-body"]),
    ],
)
def test_entrance_pages_render_in_site_layout(browser, language, url_name, bootstrap):
    response = browser.get(reverse(url_name))
    assert_site_page(response, language, *bootstrap)


def test_login_labels_are_bound_to_their_inputs(browser, language):
    html = assert_site_page(browser.get(reverse("account_login")), language)
    for input_id in re.findall(r'<input[^>]*\sid="([^"]+)"', html):
        assert f'for="{input_id}"' in html, f"input #{input_id} has no label"


def test_login_error_marks_the_field_and_keeps_the_email(browser, language):
    user = UserFactory()
    response = browser.post(reverse("account_login"), {"login": user.email, "password": "wrong-password"})
    html = assert_site_page(response, language, "alert alert-danger")
    login_input = re.search(r'<input[^>]*name="login"[^>]*>', html).group(0)
    assert "is-invalid" in login_input
    assert f'value="{user.email}"' in login_input
    assert 'aria-invalid="true"' in login_input
    error_id = re.search(r'aria-describedby="([^"\s]+)', login_input).group(1)
    assert re.search(rf'<div class="alert alert-danger" role="alert" id="{error_id}">', html)
    assert 'type="password"' in html and "wrong-password" not in html


def test_signup_field_error_is_invalid_and_described(browser, language):
    response = browser.post(
        reverse("account_signup"), {"email": "new@example.org", "password1": "short", "password2": "short"}
    )
    html = assert_site_page(response, language, "is-invalid", "invalid-feedback")
    assert 'value="new@example.org"' in html
    invalid = re.search(r'<input[^>]*class="[^"]*is-invalid[^"]*"[^>]*>', html).group(0)
    described_by = re.search(r'aria-describedby="([^"]+)"', invalid).group(1)
    for element_id in described_by.split():
        assert f'id="{element_id}"' in html
    assert 'aria-invalid="true"' in invalid


def test_password_reset_from_key_renders_form(browser, language):
    user = UserFactory()
    url = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user)},
    )
    response = browser.get(url, follow=True)
    html = assert_site_page(response, language, "form-control", "card-body")
    assert 'name="password1"' in html


def test_password_reset_from_bad_key_explains(browser, language):
    user = UserFactory()
    url = reverse("account_reset_password_from_key", kwargs={"uidb36": user_pk_to_url_str(user), "key": "bad-key"})
    html = assert_site_page(browser.get(url), language, "card-body")
    assert 'name="password1"' not in html


def test_confirm_email_page(browser, language):
    user = UserFactory(verified=False)
    address = EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    key = EmailConfirmationHMAC(address).key
    html = assert_site_page(
        browser.get(reverse("account_confirm_email", args=[key])), language, "card-body", "btn btn-primary"
    )
    assert f"mailto:{user.email}" in html


def test_confirm_email_with_unknown_key(browser, language):
    assert_site_page(browser.get(reverse("account_confirm_email", args=["nonsense"])), language, "card-body")


# Pages for a logged-in user.


@pytest.fixture
def user(browser):
    user = UserFactory()
    browser.force_login(user)
    return user


@pytest.mark.parametrize(
    ("url_name", "bootstrap"),
    [
        ("account_email", ["form-control", "list-group-item"]),
        ("account_change_password", ["form-control", "list-group-item"]),
        ("account_logout", ["btn btn-primary", "list-group-item"]),
        ("account_reauthenticate", ["form-control", "card-body"]),
        ("mfa_index", ["card-body", "list-group-item"]),
    ],
)
def test_account_pages_render_in_site_layout(browser, language, user, url_name, bootstrap):
    assert_site_page(browser.get(reverse(url_name)), language, *bootstrap)


def test_manage_navigation_marks_the_current_page(browser, language, user):
    html = assert_site_page(browser.get(reverse("account_change_password")), language)
    current = re.findall(r'<a href="([^"]+)"\s+class="list-group-item[^"]*active"', html)
    assert current == [reverse("account_change_password")]
    assert 'aria-current="page"' in html


def test_email_page_with_change_pending(browser, language, user):
    EmailAddress.objects.create(user=user, email="new-address@example.org", verified=False, primary=False)
    html = assert_site_page(browser.get(reverse("account_email")), language, "form-control", "btn-sm")
    assert 'value="new-address@example.org"' in html
    assert 'id="pending-email"' in html
    assert 'form="pending-email"' in html


def test_email_list_template_has_no_inline_scripts(language, user):
    """account/email.html serves the e-mail page when ACCOUNT_CHANGE_EMAIL is off."""
    request = RequestFactory().get(reverse("account_email"))
    request.user = user
    addresses = list(EmailAddress.objects.filter(user=user))
    radios = [
        {"emailaddress": address, "id": f"email_radio_{i}", "checked": i == 0} for i, address in enumerate(addresses)
    ]
    with translation.override(language):
        html = render_to_string(
            "account/email.html",
            {
                "form": AddEmailForm(user=user),
                "emailaddresses": addresses,
                "emailaddress_radios": radios,
                "can_add_email": True,
            },
            request=request,
        )
    assert BRAND_LINK in html
    assert re.search(r'<input class="form-check-input"\s+type="radio"', html)
    assert 'for="email_radio_0"' in html
    assert "badge text-bg-success" in html
    for attributes in SCRIPT_TAG.findall(html):
        assert "src=" in attributes and "nonce=" in attributes


def test_password_set_page(browser, language):
    user = UserFactory()
    user.set_unusable_password()
    user.save()
    browser.force_login(user)
    assert_site_page(browser.get(reverse("account_set_password")), language, "form-control", "list-group-item")


# Two-factor authentication.


def test_totp_activate_page(browser, language, user):
    record_reauthentication(browser, user)
    html = assert_site_page(browser.get(reverse("mfa_activate_totp")), language, "form-control", "list-group-item")
    assert 'src="data:image/svg+xml;base64,' in html
    assert 'aria-describedby="authenticator_secret_helptext"' in html


def test_totp_deactivate_page(browser, language, user):
    activate_totp(user)
    record_reauthentication(browser, user)
    assert_site_page(browser.get(reverse("mfa_deactivate_totp")), language, "btn btn-danger", "list-group-item")


def test_mfa_index_with_totp_offers_recovery_codes(browser, language, user):
    activate_totp(user)
    html = assert_site_page(browser.get(reverse("mfa_index")), language, "card-body", "btn btn-danger")
    assert reverse("mfa_download_recovery_codes") in html


def test_recovery_codes_generate_page(browser, language, user):
    activate_totp(user)
    record_reauthentication(browser, user)
    assert_site_page(browser.get(reverse("mfa_generate_recovery_codes")), language, "btn btn-danger")


def test_recovery_codes_view_page_downloads_by_link(browser, language, user):
    activate_totp(user)
    record_reauthentication(browser, user)
    html = assert_site_page(browser.get(reverse("mfa_view_recovery_codes")), language, "form-control")
    codes = RecoveryCodes.activate(user).get_unused_codes()
    assert codes[0] in html
    assert f'href="{reverse("mfa_download_recovery_codes")}"' in html

    download = browser.get(reverse("mfa_download_recovery_codes"))
    assert download.status_code == 200
    assert download["Content-Type"].startswith("text/plain")
    assert "attachment" in download["Content-Disposition"]
    assert codes[0] in download.content.decode()


def test_mfa_reauthenticate_page(browser, language, user):
    activate_totp(user)
    assert_site_page(browser.get(reverse("mfa_reauthenticate")), language, "form-control", "card-body")


def test_mfa_authenticate_page_during_login(browser, language):
    user = UserFactory()
    activate_totp(user)
    response = browser.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    html = assert_site_page(browser.get(reverse("mfa_authenticate")), language, "form-control", "card-body")
    assert 'id="logout-from-stage"' in html


# Error pages.


def test_404_page_uses_site_layout(browser, language):
    response = browser.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert BRAND_LINK in html
    assert f'<html lang="{language}">' in html
    assert "btn btn-primary" in html
    for attributes in SCRIPT_TAG.findall(html):
        assert "src=" in attributes and "nonce=" in attributes


@pytest.mark.parametrize("template_name", ["400.html", "403.html", "404.html"])
def test_error_templates_render_with_request(rf, template_name):
    request = rf.get("/somewhere/")
    request.user = AnonymousUser()
    html = render_to_string(template_name, request=request)
    assert BRAND_LINK in html
    assert "<h1" in html


def test_500_template_renders_without_request_context():
    html = loader.get_template("500.html").render()
    assert BRAND_LINK in html
    assert "bootstrap.min.css" in html
    assert "<script" not in html
