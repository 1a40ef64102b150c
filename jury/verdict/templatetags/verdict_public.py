"""What the public pages show of an edition's result: nothing until its announcement is published.

A template tag, so the public edition page (in `awards`, which the verdict builds on) can show the
result without `awards` importing the verdict."""

from django import template

from ..selectors import PublicResult, public_result

register = template.Library()


@register.simple_tag
def edition_public_result(edition) -> PublicResult:
    return public_result(edition=edition)
