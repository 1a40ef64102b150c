from django.utils.translation import get_language


def localized(obj, field: str) -> str:
    """The Swedish or English variant of a text field (`<field>_sv` / `<field>_en`), whichever is
    active, falling back to the other when the active one is empty."""
    language = (get_language() or "sv")[:2]
    first, second = ("en", "sv") if language == "en" else ("sv", "en")
    return getattr(obj, f"{field}_{first}") or getattr(obj, f"{field}_{second}")
