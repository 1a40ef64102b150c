"""E-mails to jurors. Jurors have no language setting, so each message carries every site language,
Swedish on top, and goes through the outbox after commit."""

from collections.abc import Callable

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation


def site_languages() -> list[str]:
    codes = [code for code, _name in settings.LANGUAGES]
    return [settings.LANGUAGE_CODE, *(code for code in codes if code != settings.LANGUAGE_CODE)]


def send_bilingual(
    *, template: str, context: dict, to: list[str], per_language: Callable[[dict], None] | None = None
) -> None:
    """Render `<template>_subject.txt` and `<template>_body.txt` in each language and send one message.
    `per_language(context)` may add language-dependent values (dates) before each rendering."""
    subjects, bodies = [], []
    for language in site_languages():
        with translation.override(language):
            if per_language is not None:
                per_language(context)
            subjects.append(render_to_string(f"{template}_subject.txt", context).strip())
            bodies.append(render_to_string(f"{template}_body.txt", context).strip())
    subject = " / ".join(dict.fromkeys(subjects))
    body = ("\n\n" + "-" * 40 + "\n\n").join(bodies) + "\n"
    EmailMessage(settings.EMAIL_SUBJECT_PREFIX + subject, body, to=to).send()
