from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Criterion, Edition
from .services import CRITERION_FIELDS, EDITION_FIELDS

# The foundation is in Stockholm: organisers type every date in Stockholm time, whatever the server's zone.
STOCKHOLM = ZoneInfo("Europe/Stockholm")


class StockholmDateTimeField(forms.DateTimeField):
    """A datetime-local input read and shown in Stockholm time. Django's own check refuses the times
    that a daylight-saving change skips or repeats."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("Stockholm time."))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        with timezone.override(STOCKHOLM):
            return super().prepare_value(value)

    def to_python(self, value):
        with timezone.override(STOCKHOLM):
            return super().to_python(value)


class EditionForm(forms.ModelForm):
    class Meta:
        model = Edition
        fields = ("award", *EDITION_FIELDS)
        field_classes = {
            "nominations_open_at": StockholmDateTimeField,
            "nominations_close_at": StockholmDateTimeField,
            "scoring_open_at": StockholmDateTimeField,
            "scoring_close_at": StockholmDateTimeField,
            "announce_at": StockholmDateTimeField,
        }
        widgets = {
            "year": forms.NumberInput(attrs={"min": 2000, "max": 2100}),
            **{
                name: forms.Textarea(attrs={"rows": 4})
                for name in ("intro_sv", "intro_en", "eligibility_sv", "eligibility_en", "prize_sv", "prize_en")
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # An edition stays with its award.
            del self.fields["award"]
        else:
            self.fields["award"].empty_label = None


class EditionCopyForm(forms.Form):
    year = forms.IntegerField(label=_("Year of the new edition"), min_value=2000, max_value=2100)
    nominations_open_at = StockholmDateTimeField(
        label=_("Nominations open"),
        help_text=_("Stockholm time. Every other date moves by the same amount."),
    )


class CriterionForm(forms.ModelForm):
    class Meta:
        model = Criterion
        fields = CRITERION_FIELDS
        widgets = {
            "guidance_sv": forms.Textarea(attrs={"rows": 2}),
            "guidance_en": forms.Textarea(attrs={"rows": 2}),
            "weight": forms.NumberInput(attrs={"min": "0.01", "step": "0.01"}),
            "position": forms.NumberInput(attrs={"min": 0}),
        }


class BaseCriterionFormSet(forms.BaseInlineFormSet):
    def changes(self) -> tuple[list[tuple[Criterion | None, dict]], list[Criterion]]:
        """What the organiser changed, for criteria_save: (existing criterion or None, values) pairs
        and the criteria to delete. Call after is_valid()."""
        deletions = [form.instance for form in self.deleted_forms if form.instance.pk]
        changes = [
            (form.instance if form.instance.pk else None, {f: form.cleaned_data[f] for f in CRITERION_FIELDS})
            for form in self.forms
            if form.has_changed() and not self._should_delete_form(form)
        ]
        return changes, deletions


CriterionFormSet = forms.inlineformset_factory(
    Edition,
    Criterion,
    form=CriterionForm,
    formset=BaseCriterionFormSet,
    fields=CRITERION_FIELDS,
    extra=1,
    can_delete=True,
)


class CriterionLevelForm(forms.Form):
    value = forms.IntegerField(widget=forms.HiddenInput)
    descriptor_sv = forms.CharField(label=_("Descriptor (Swedish)"), max_length=300, required=False)
    descriptor_en = forms.CharField(label=_("Descriptor (English)"), max_length=300, required=False)

    def __init__(self, *args, criterion: Criterion, **kwargs):
        self.criterion = criterion
        super().__init__(*args, **kwargs)

    def clean_value(self):
        value = self.cleaned_data["value"]
        if value not in self.criterion.levels_range:
            raise forms.ValidationError(
                _("Score %(value)s is outside this criterion's scale (%(min)s to %(max)s)."),
                code="level_outside_scale",
                params={"value": value, "min": self.criterion.scale_min, "max": self.criterion.scale_max},
            )
        return value

    def clean(self):
        cleaned = super().clean()
        sv, en = cleaned.get("descriptor_sv", "").strip(), cleaned.get("descriptor_en", "").strip()
        if bool(sv) != bool(en):
            self.add_error("descriptor_en" if sv else "descriptor_sv", _("Give the descriptor in both languages."))
        return cleaned


class BaseCriterionLevelFormSet(forms.BaseFormSet):
    def __init__(self, *args, criterion: Criterion, **kwargs):
        self.criterion = criterion
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "criterion": self.criterion}

    def clean(self):
        values = [form.cleaned_data.get("value") for form in self.forms if form.cleaned_data]
        if len(set(values)) != len(values):
            raise forms.ValidationError(_("Each score may have only one descriptor."), code="duplicate_level")

    def rows(self) -> list[dict]:
        return [
            {key: form.cleaned_data[key] for key in ("value", "descriptor_sv", "descriptor_en")}
            for form in self.forms
            if form.cleaned_data
        ]


# One row per level of the scale; the organiser neither adds nor removes rows.
CriterionLevelFormSet = forms.formset_factory(
    CriterionLevelForm, formset=BaseCriterionLevelFormSet, extra=0, max_num=Criterion.MAX_SCALE_STEPS + 1
)


def criterion_level_formset(criterion: Criterion, data=None) -> BaseCriterionLevelFormSet:
    existing = {level.value: level for level in criterion.levels.all()}
    initial = [
        {
            "value": value,
            "descriptor_sv": existing[value].descriptor_sv if value in existing else "",
            "descriptor_en": existing[value].descriptor_en if value in existing else "",
        }
        for value in criterion.levels_range
    ]
    return CriterionLevelFormSet(data, initial=initial, criterion=criterion, prefix="levels")
