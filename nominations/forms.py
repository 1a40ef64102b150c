from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapBoundField, FieldsCopiedQuickly

from .models import Nomination
from .services import EDITABLE_FIELDS
from .validators import normalize_org_number, validate_pitch_deck

HELP_TEXTS = {
    "startup_name": _("The company's name as registered."),
    "org_number": _("Ten digits, for example 556677-8899."),
    "website": _("Starting with https://"),
    "flemingsberg_tie": _("Research, premises, partners or customers on the Flemingsberg campus."),
    "pitch": _("One sentence a juror will remember."),
    "problem": _("What problem do you solve, and for whom?"),
    "solution": _("How does your product or service solve it?"),
    "innovation": _("What is new about it, compared with what exists?"),
    "market": _("Who pays, how large is the market, who are the competitors?"),
    "team": _("Who you are and what you bring; include advisers and partners."),
    "impact": _("What difference will it make for patients, society or the environment?"),
    "video_url": _("Optional: a link to a short video pitch (YouTube, Vimeo...)."),
}


class NominationStartForm(forms.Form):
    startup_name = forms.CharField(label=_("Startup name"), max_length=200, help_text=HELP_TEXTS["startup_name"])
    org_number = forms.CharField(
        label=_("Organisation number"), max_length=20, required=False, help_text=HELP_TEXTS["org_number"]
    )

    def clean_org_number(self):
        value = self.cleaned_data["org_number"]
        return normalize_org_number(value) if value else ""


class NominationForm(forms.ModelForm):
    """Everything the applicant fills in. Every field is optional while it is a draft; the service
    checks completeness on submit. Format checks (organisation number, URL, PDF) always apply.
    Rendered field by field with {% bootstrap_field %} (templates/forms/field.html, in Python)."""

    bound_field_class = BootstrapBoundField

    pitch_deck_upload = forms.FileField(
        label=_("Pitch deck (PDF, at most 10 MB)"),
        required=False,
        validators=[validate_pitch_deck],
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
    consent = forms.BooleanField(
        label=_("I agree that the Flemingsberg Science foundation processes the personal data in this nomination."),
        required=False,
    )

    class Meta:
        model = Nomination
        fields = EDITABLE_FIELDS
        widgets = {
            "founded_year": forms.NumberInput(attrs={"min": 1900, "max": 2100}),
            "team_size": forms.NumberInput(attrs={"min": 1}),
            "contact_phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "contact_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "website": forms.URLInput(attrs={"placeholder": "https://"}),
        }

    def clean_org_number(self):
        value = self.cleaned_data.get("org_number", "")
        return normalize_org_number(value) if value else ""

    def clean_contact_phone(self):
        value = (self.cleaned_data.get("contact_phone") or "").strip()
        digits = [c for c in value if c.isdigit()]
        if value and (len(digits) < 7 or any(c not in "0123456789 +-()" for c in value)):
            raise forms.ValidationError(_("Enter a phone number, for example 08-123 456 78 or +46 8 123 456 78."))
        return value

    def _post_clean(self):
        # The model is never saved from the form: the service applies the cleaned data. Skip the
        # model-level unique check here; the service reports a duplicate organisation number.
        pass


def _set_up_fields(fields: dict) -> None:
    """Help texts, optional fields, the choices' empty label and the text limits, set once on the class's
    fields (each form copies them) rather than on every form."""
    for name, field in fields.items():
        if name in HELP_TEXTS:
            field.help_text = HELP_TEXTS[name]
        if name == "startup_name":
            continue
        field.required = False
        if name in ("sector", "stage"):
            field.choices = [("", _("Choose...")), *list(field.choices)[1:]]
    for name, limit in Nomination.TEXT_LIMITS.items():
        widget = fields[name].widget
        widget.attrs.update({"maxlength": limit, "data-counter": limit})
        if isinstance(widget, forms.Textarea):
            widget.attrs["rows"] = 5 if limit > 600 else 3


_set_up_fields(NominationForm.base_fields)
NominationForm.base_fields = FieldsCopiedQuickly(NominationForm.base_fields)
