"""core.forms writes fields and plain widgets in Python: the markup must be exactly what Django's widget
templates and templates/forms/field.html write."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from core.forms import BootstrapBoundField, PythonWidgetRenderer, _widget_html, render_bootstrap_field
from nominations.forms import NominationForm

TEMPLATES = DjangoTemplates()
PYTHON = PythonWidgetRenderer()


class StoredFile:
    url = "/media/decks/a&b.pdf"

    def __str__(self) -> str:
        return "a <deck>.pdf"


class Sample(forms.Form):
    bound_field_class = BootstrapBoundField

    text = forms.CharField(max_length=10, help_text="Ten <b>at most</b>", initial='a "quoted" <value> & more')
    safe = forms.CharField(required=False, initial=mark_safe("<i>kept</i>"))
    number = forms.IntegerField(min_value=1, initial=12345)
    decimal = forms.DecimalField(required=False, initial="1.50", localize=True)
    email = forms.EmailField(required=False, widget=forms.EmailInput(attrs={"autocomplete": "email", "disabled": True}))
    url = forms.URLField(required=False, widget=forms.URLInput(attrs={"placeholder": "https://", "hidden": False}))
    password = forms.CharField(required=False, widget=forms.PasswordInput(render_value=True))
    hidden = forms.CharField(required=False, widget=forms.HiddenInput, initial="x")
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), initial="line\n<two>")
    empty_notes = forms.CharField(required=False, widget=forms.Textarea)
    choice = forms.ChoiceField(choices=[("", "Choose..."), ("a", "A & B"), (1, "One")], initial="a")
    grouped = forms.ChoiceField(required=False, choices=[("G <1>", [("x", "X"), ("y", "Y")]), ("z", "Z")])
    many = forms.MultipleChoiceField(required=False, choices=[("a", "A"), ("b", "B")], initial=["a", "b"])
    flag = forms.BooleanField(required=False, initial=True)
    required_flag = forms.BooleanField(label="I agree")
    upload = forms.FileField(required=False)
    stored_upload = forms.FileField(required=False, initial=StoredFile())
    required_upload = forms.FileField(initial=StoredFile(), widget=forms.ClearableFileInput(attrs={"accept": ".pdf"}))
    date = forms.DateField(required=False)
    radio = forms.ChoiceField(required=False, widget=forms.RadioSelect, choices=[("a", "A")])


def forms_to_compare():
    return [
        Sample(),
        Sample(data={"text": "far too long <text>", "number": "0", "choice": "nope", "notes": "<x>"}),
        Sample(data={"text": "ok", "number": "3", "choice": "1", "required_flag": "on", "grouped": "y"}),
        NominationForm(),
        NominationForm(data={"startup_name": "", "org_number": "12", "website": "ftp://x", "sector": "x"}),
    ]


@pytest.mark.parametrize("form", forms_to_compare(), ids=lambda form: f"{type(form).__name__}-{form.is_bound}")
def test_widgets_written_in_python_match_the_templates(form):
    for name in form.fields:
        form.renderer = TEMPLATES
        expected = str(form[name])
        form.renderer = PYTHON
        assert str(form[name]) == expected, name


@pytest.mark.parametrize("form", forms_to_compare(), ids=lambda form: f"{type(form).__name__}-{form.is_bound}")
def test_bootstrap_field_matches_the_field_template(form):
    for name in form.fields:
        expected = render_to_string("forms/field.html", {"field": form[name]})
        assert render_bootstrap_field(form[name]) == expected, name


def test_the_site_renders_forms_with_python_widgets():
    assert isinstance(NominationForm().renderer, PythonWidgetRenderer)


def test_plain_widgets_skip_the_templates(monkeypatch):
    rendered = []
    monkeypatch.setattr(DjangoTemplates, "render", lambda self, name, *args, **kwargs: rendered.append(name) or "")
    form = NominationForm()
    form.renderer = PYTHON
    for name in form.fields:
        str(form[name])
    assert rendered == []


@pytest.mark.parametrize("form", forms_to_compare(), ids=lambda form: f"{type(form).__name__}-{form.is_bound}")
def test_plain_inputs_written_directly_are_what_the_bound_field_writes(form):
    for name in form.fields:
        field = form[name]
        assert _widget_html(field, has_help_text=bool(field.help_text)) == str(field), name


def test_plain_inputs_are_written_directly(monkeypatch):
    from django.forms import Widget

    rendered = []
    original = Widget.render
    monkeypatch.setattr(
        Widget, "render", lambda self, *args, **kwargs: rendered.append(type(self)) or original(self, *args, **kwargs)
    )
    form = NominationForm(data={"startup_name": "", "website": "ftp://x"})
    for name in form.fields:
        render_bootstrap_field(form[name])

    direct = {forms.TextInput, forms.NumberInput, forms.EmailInput, forms.URLInput, forms.Textarea}
    assert {type(field.widget) for field in form.fields.values()} & direct  # the nomination form has them
    assert not set(rendered) & direct
    assert set(rendered) == {type(f.widget) for f in form.fields.values()} - direct  # the rest: as before


def test_a_field_unlike_the_plain_ones_is_left_to_the_bound_field():
    class Odd(forms.Form):
        bound_field_class = BootstrapBoundField

        hidden_text = forms.CharField(widget=forms.TextInput())
        localized = forms.DecimalField(localize=True, initial="1.5")
        own_template = forms.CharField(widget=forms.TextInput())

    form = Odd()
    form.fields["hidden_text"].widget.input_type = "hidden"
    form.fields["own_template"].widget.template_name = "django/forms/widgets/input.html"
    for name in form.fields:
        field = form[name]
        assert _widget_html(field, has_help_text=bool(field.help_text)) == str(field), name


def test_a_stored_file_is_left_to_the_template(monkeypatch):
    rendered = []
    monkeypatch.setattr(DjangoTemplates, "render", lambda self, name, *args, **kwargs: rendered.append(name) or "")
    form = Sample()
    form.renderer = PYTHON
    str(form["stored_upload"]), str(form["upload"])
    assert rendered == ["django/forms/widgets/clearable_file_input.html"]


def test_lazy_labels_are_written_in_the_active_language_each_time():
    from django.utils import translation

    from core import forms as core_forms

    form = NominationForm()
    with translation.override("sv"):
        swedish = render_bootstrap_field(form["pitch"])
    with translation.override("en"):
        english = render_bootstrap_field(form["pitch"])
    with translation.override("sv"):
        again = render_bootstrap_field(form["pitch"])

    assert "One sentence a juror will remember." in english
    assert "One sentence" not in swedish
    assert again == swedish
    assert (id(form.fields["pitch"].help_text), "sv") in core_forms._LAZY_TEXTS


def test_lazy_texts_kept_are_bounded_and_a_safe_one_stays_unescaped(monkeypatch):
    from django.utils.functional import lazy

    from core import forms as core_forms

    monkeypatch.setattr(core_forms, "_LAZY_TEXTS_MAX", 3)
    texts = [lazy(lambda n=n: f"<b>{n}</b>", str)() for n in range(5)]
    safe = lazy(lambda: mark_safe("<i>kept</i>"), str)()

    written = [core_forms._text(text) for text in texts]

    assert written == [f"&lt;b&gt;{n}&lt;/b&gt;" for n in range(5)]
    assert len(core_forms._LAZY_TEXTS) <= 3
    assert core_forms._text(safe) == "<i>kept</i>"


def _assert_copied_as_deepcopy_copies(original, quick, deep):
    assert type(quick) is type(deep) is type(original) and quick is not original
    assert quick.widget is not original.widget and type(quick.widget) is type(deep.widget)
    for name, value in vars(deep).items():
        if name in ("widget", "error_messages", "validators", "_choices"):
            assert getattr(quick, name) is not value
            assert getattr(quick, name) is not getattr(original, name)
        if name != "widget":
            assert getattr(quick, name) == value, name
    for name, value in vars(deep.widget).items():
        if name in ("attrs", "choices"):
            assert getattr(quick.widget, name) is not getattr(original.widget, name), name
        assert getattr(quick.widget, name) == value, name
    assert vars(quick).keys() == vars(deep).keys() and vars(quick.widget).keys() == vars(deep.widget).keys()


@pytest.mark.parametrize("form_class", [NominationForm, Sample])
def test_fields_copied_quickly_are_what_deepcopy_makes(form_class):
    import copy

    from core.forms import FieldsCopiedQuickly

    base_fields = FieldsCopiedQuickly(form_class.base_fields)

    quick, deep = copy.deepcopy(base_fields), copy.deepcopy(dict(form_class.base_fields))

    assert type(quick) is dict and quick.keys() == deep.keys()
    for name, field in form_class.base_fields.items():
        _assert_copied_as_deepcopy_copies(field, quick[name], deep[name])


def test_each_nomination_form_changes_only_its_own_fields():
    first, second = NominationForm(), NominationForm()

    first.fields["sector"].choices = [("x", "X")]
    first.fields["pitch"].widget.attrs["maxlength"] = 1
    first.fields["website"].validators.append(len)
    first.fields["website"].error_messages["invalid"] = "changed"

    assert second.fields["sector"].choices == NominationForm.base_fields["sector"].choices
    assert second.fields["sector"].choices[0][0] == ""
    assert second.fields["sector"].widget.choices == second.fields["sector"].choices
    assert second.fields["pitch"].widget.attrs["maxlength"] == 160
    assert len not in second.fields["website"].validators
    assert second.fields["website"].error_messages["invalid"] != "changed"
    assert type(NominationForm.base_fields).__name__ == "FieldsCopiedQuickly"


def test_the_nomination_forms_fields_all_take_the_quick_copy(monkeypatch):
    import copy

    from core import forms as core_forms

    generic = []
    monkeypatch.setattr(core_forms, "copy", type("Copy", (), {"copy": copy.copy, "deepcopy": generic.append}))

    fields = copy.deepcopy(NominationForm.base_fields)

    assert generic == []
    assert fields.keys() == NominationForm.base_fields.keys()


def test_fields_unlike_the_plain_ones_go_through_deepcopy():
    import copy

    from core.forms import FieldsCopiedQuickly

    class Grouped(forms.Form):
        grouped = forms.ChoiceField(choices=[("G", [("x", "X")])])
        split = forms.SplitDateTimeField()

    original = Grouped.base_fields
    copied = copy.deepcopy(FieldsCopiedQuickly(original))

    assert copied["grouped"].choices == original["grouped"].choices
    assert copied["grouped"].choices[0][1] is not original["grouped"].choices[0][1]  # the group's list: deep
    assert copied["split"].fields[0] is not original["split"].fields[0]


def test_a_bound_fields_errors_are_the_forms_even_when_added_later():
    form = Sample(data={"text": "ok", "number": "3"})
    form.is_valid()
    field = form["text"]
    assert list(field.errors) == [] and field.errors.renderer is form.renderer
    assert field.errors is field.errors  # one empty list kept, not a new one each time

    form.add_error("text", "Too <odd>")

    assert list(field.errors) == ["Too <odd>"]
    written = _widget_html(field, has_help_text=bool(field.help_text))
    assert 'aria-invalid="true"' in written and "is-invalid" in written
    assert render_bootstrap_field(field) == render_to_string("forms/field.html", {"field": field})
