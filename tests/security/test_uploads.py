"""Pitch-deck uploads against the hostile corpus (tests/security/corpus.py): every hostile file is refused,
by the validator and through the real upload page, and nothing of it is stored; real PDFs are accepted;
hostile names never reach the file system; decks are served only by the authorising view, as attachments."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from nominations import services
from nominations.models import Nomination
from nominations.validators import validate_pitch_deck
from tests.factories import EditionFactory, UserFactory
from tests.nominations import pdfs
from tests.nominations.test_applicant import COMPLETE

from . import corpus

pytestmark = pytest.mark.django_db

HOSTILE = corpus.hostile_files()


@pytest.fixture
def deck_dir(tmp_path, monkeypatch):
    """This test's own directory for decks, so tests running side by side do not see each other's files."""
    storage = Nomination._meta.get_field("pitch_deck").storage
    monkeypatch.setattr(storage, "location", str(tmp_path))
    monkeypatch.setattr(storage, "base_location", str(tmp_path))
    return tmp_path


@pytest.fixture
def applicant():
    return UserFactory()


@pytest.fixture
def draft(applicant):
    return services.nomination_create(
        actor=applicant, edition=EditionFactory(), data={"startup_name": "Neurogrid Diagnostics AB"}, language="en"
    )


def upload_through_the_page(client, nomination, content: bytes, name: str):
    return client.post(
        reverse("nominations:edit", args=[nomination.pk]),
        {**COMPLETE, "save": "1", "pitch_deck_upload": pdfs.upload(content, name)},
    )


def stored_files(directory) -> list:
    return sorted(p for p in directory.rglob("*") if p.is_file())


def test_the_corpus_is_what_it_claims():
    assert len(HOSTILE) >= 20
    assert len({h.name for h in HOSTILE}) == len(HOSTILE)
    objstm = corpus.javascript_in_hex_encoded_object_stream()
    assert b"JavaScript" not in objstm and b"/JS" not in objstm  # a byte scan cannot see it
    assert len(corpus.pdfs.oversized_pdf()) > 10 * 1024 * 1024


@pytest.mark.parametrize("hostile", HOSTILE, ids=[h.name for h in HOSTILE])
def test_the_validator_refuses_each_hostile_file(hostile):
    with pytest.raises(ValidationError):
        validate_pitch_deck(pdfs.upload(hostile.content, hostile.name))


@pytest.mark.parametrize("hostile", HOSTILE, ids=[h.name for h in HOSTILE])
def test_the_upload_page_refuses_each_hostile_file_and_stores_nothing(client, applicant, draft, deck_dir, hostile):
    client.force_login(applicant)

    response = upload_through_the_page(client, draft, hostile.content, hostile.name)

    assert response.status_code == 200  # the form again, with the error
    assert "pitch_deck_upload" in response.context["form"].errors
    draft.refresh_from_db()
    assert not draft.pitch_deck and draft.pitch_deck_name == ""
    assert stored_files(deck_dir) == []


@pytest.mark.parametrize("content", [pdfs.real_pdf(), pdfs.real_pdf(pages=40), corpus.rich_real_pdf()])
def test_real_pdfs_are_accepted(client, applicant, draft, content):
    validate_pitch_deck(pdfs.upload(content))
    client.force_login(applicant)

    response = upload_through_the_page(client, draft, content, "Neurogrid pitch.pdf")

    assert response.status_code == 302
    draft.refresh_from_db()
    with draft.pitch_deck.open("rb") as stored:
        assert stored.read() == content
    assert draft.pitch_deck_name == "Neurogrid pitch.pdf"


@pytest.mark.parametrize("name", corpus.HOSTILE_NAMES)
def test_hostile_file_names_never_reach_the_file_system(client, applicant, draft, deck_dir, name):
    client.force_login(applicant)

    upload_through_the_page(client, draft, pdfs.real_pdf(), name)

    draft.refresh_from_db()
    stored = draft.pitch_deck.name
    assert stored.startswith("decks/") and stored.endswith(".pdf")
    assert stored.count("/") == 1 and ".." not in stored and "\\" not in stored
    assert stored_files(deck_dir) == [deck_dir / stored]
    assert "/" not in draft.pitch_deck_name and "\\" not in draft.pitch_deck_name
    assert "\x00" not in draft.pitch_deck_name
    page = client.get(reverse("nominations:edit", args=[draft.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page


def test_decks_are_not_reachable_under_the_media_url(client, applicant, draft, settings, deck_dir):
    services.nomination_store_pitch_deck(actor=applicant, nomination=draft, pitch_deck=pdfs.upload(pdfs.real_pdf()))
    draft.refresh_from_db()
    client.force_login(applicant)

    for guess in (
        f"{settings.MEDIA_URL}{draft.pitch_deck.name}",
        f"{settings.MEDIA_URL}private/{draft.pitch_deck.name}",
    ):
        assert client.get(guess).status_code == 404, guess
    with pytest.raises(ValueError):
        draft.pitch_deck.url  # the private storage has no public address  # noqa: B018


def test_decks_are_served_only_by_the_authorising_view_as_attachments(client, applicant, draft, deck_dir):
    services.nomination_store_pitch_deck(actor=applicant, nomination=draft, pitch_deck=pdfs.upload(pdfs.real_pdf()))
    url = reverse("nominations:pitch_deck", args=[draft.pk])

    assert client.get(url)["Location"].startswith(reverse("account_login"))
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(applicant)
    response = client.get(url)
    body = b"".join(response.streaming_content)

    assert response.status_code == 200
    assert body.startswith(b"%PDF-")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="neurogrid-diagnostics-ab-pitch-deck.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert Nomination.objects.get(pk=draft.pk).pitch_deck
