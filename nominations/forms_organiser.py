"""Forms of the organiser screening pages."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Nomination, Sector
from .selectors import SCREENING_SORTS

REASON_REQUIRED = _("Give the reason why the nomination is not eligible. The startup receives it by e-mail.")


class ScreeningFilterForm(forms.Form):
    """The list's search, filters and sort order (a GET form: the address can be bookmarked and shared)."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Startup, organisation number, contact or city")}
        ),
    )
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any status"))])
    sector = forms.ChoiceField(label=_("Sector"), required=False, choices=[("", _("Any sector")), *Sector.choices])
    drafts = forms.BooleanField(label=_("Show drafts"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("name", _("Name, A to Z")),
            ("-name", _("Name, Z to A")),
            ("submitted", _("Submitted, oldest first")),
            ("-submitted", _("Submitted, newest first")),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Any status")), *Nomination.Status.choices]
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.disable_csrf = True
        self.helper.form_class = "mb-3"
        self.helper.layout = Layout(
            Row(
                Column("q", css_class="col-md-4"),
                Column("status", css_class="col-md-2"),
                Column("sector", css_class="col-md-2"),
                Column("sort", css_class="col-md-2"),
                Column("drafts", css_class="col-md-2 pt-md-4"),
            ),
            Submit("", _("Show"), css_class="btn-primary"),
        )

    def filters(self) -> dict:
        """The selector's keyword arguments; a value that does not validate is ignored, not an error."""
        data = {}
        if self.is_bound:
            self.is_valid()  # fills cleaned_data with the fields that do validate
            data = self.cleaned_data
        sort = data.get("sort") or "name"
        return {
            "search": data.get("q") or "",
            "status": data.get("status") or "",
            "sector": data.get("sector") or "",
            "include_drafts": bool(data.get("drafts")),
            "sort": sort if sort in SCREENING_SORTS else "name",
        }


class ScreeningDecisionMixin(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("eligible", _("Eligible")), ("ineligible", _("Not eligible"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose eligible or not eligible.")},
    )
    reason = forms.CharField(
        label=_("Reason (if not eligible)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Sent to the startup by e-mail, in the words you write here."),
    )

    def clean(self):
        cleaned = super().clean()
        cleaned["reason"] = (cleaned.get("reason") or "").strip()
        if cleaned.get("decision") == "ineligible" and not cleaned["reason"]:
            self.add_error("reason", REASON_REQUIRED)
        return cleaned

    @property
    def eligible(self) -> bool:
        return self.cleaned_data["decision"] == "eligible"


class ScreeningForm(ScreeningDecisionMixin):
    """An organiser's decision on one nomination."""

    def __init__(self, *args, nomination: Nomination | None = None, **kwargs):
        if nomination is not None and "initial" not in kwargs:
            if nomination.status == Nomination.Status.ELIGIBLE:
                kwargs["initial"] = {"decision": "eligible"}
            elif nomination.status == Nomination.Status.INELIGIBLE:
                kwargs["initial"] = {"decision": "ineligible", "reason": nomination.ineligible_reason}
        super().__init__(*args, **kwargs)


class BulkScreeningForm(ScreeningDecisionMixin):
    """One decision for the nominations ticked in the list. The checkboxes are rendered by the list
    itself (one per row of the page), not by this field's widget, which would list the whole edition."""

    nominations = forms.ModelMultipleChoiceField(
        label=_("Nominations"),
        queryset=Nomination.objects.none(),
        error_messages={"required": _("Tick at least one nomination.")},
    )

    def __init__(self, *args, edition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].label = _("Mark the ticked nominations")
        self.fields["reason"].label = _("Reason (the same for all, if not eligible)")
        self.fields["nominations"].queryset = Nomination.objects.filter(edition=edition).select_related(
            "edition", "submitted_by"
        )

    def selected_ids(self) -> set[str]:
        return set(self.data.getlist("nominations")) if self.is_bound else set()
