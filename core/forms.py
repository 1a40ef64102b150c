"""Bootstrap 5 form fields without crispy-forms' template tree, for long forms shown often.

`BootstrapBoundField` gives each widget the classes crispy-forms' bootstrap5 pack gives it (and
`is-invalid` when the field has errors), so templates/forms/field.html can print `{{ field }}` with the
label, help text and errors around it. Django itself adds `required`, `aria-invalid` and the
`aria-describedby` that points at the help text and the errors.

For speed, `render_bootstrap_field` ({% bootstrap_field %}) writes that template's markup in Python and
`PythonWidgetRenderer` (settings.FORM_RENDERER) writes the plain widgets' markup; both are compared with
the templates byte for byte in tests/core/test_forms_rendering.py."""

import copy
from decimal import Decimal

from django import forms
from django.forms import BoundField
from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.functional import Promise, cached_property
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import get_language

from core.html import escape_text


def bootstrap_widget_class(widget: forms.Widget) -> str:
    if isinstance(widget, forms.CheckboxInput):
        return "form-check-input"
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return ""
    if isinstance(widget, forms.Select):
        return "form-select"
    if isinstance(widget, forms.widgets.Input | forms.Textarea):
        return "form-control"
    return ""


_WIDGET_TYPES: dict[type, str] = {}


class BootstrapBoundField(BoundField):
    @cached_property
    def auto_id(self):
        # BoundField computes it on every use (several times a field); it depends only on the form's auto_id
        # and the field's name, fixed when the bound field is made.
        return super().auto_id

    @property
    def errors(self):
        # BoundField makes a new empty ErrorList on every use when the field has no errors (several times a
        # field while it is written); one is kept for that instead. Errors the form has are always its own.
        errors = self.form.errors.get(self.name)
        if errors is None:
            errors = self.__dict__.get("_no_errors")
            if errors is None:
                errors = self._no_errors = self.form.error_class(renderer=self.form.renderer)
        return errors

    @property
    def widget_type(self):
        # BoundField runs a regular expression over the widget's class name on every use.
        widget_class = type(self.field.widget)
        known = _WIDGET_TYPES.get(widget_class)
        if known is None:
            known = _WIDGET_TYPES[widget_class] = super().widget_type
        return known

    def build_widget_attrs(self, attrs, widget=None):
        widget = widget or self.field.widget
        attrs = super().build_widget_attrs(attrs, widget)
        classes = [attrs.get("class") or widget.attrs.get("class", ""), bootstrap_widget_class(widget)]
        if self.errors:
            classes.append("is-invalid")
        attrs["class"] = " ".join(c for c in classes if c)
        return attrs


# ---------------------------------------------------------------------------------------------------
# Each form's copy of its class's fields, made without the copy module's generic path.


def _copies_by_default(cls) -> bool:
    """Whether copy.copy() of an instance is a new object with its __dict__ copied, nothing else."""
    return (
        cls.__reduce_ex__ is object.__reduce_ex__
        and cls.__reduce__ is object.__reduce__
        and cls.__getstate__ is object.__getstate__
        and not hasattr(cls, "__copy__")
        and not hasattr(cls, "__setstate__")
        and "__slots__" not in {name for klass in cls.__mro__ for name in vars(klass)}
        and cls.__new__ is object.__new__
    )


_IMMUTABLE_CHOICE_PARTS = (str, int, Promise, type(None))
_FIELD_COPIES = {forms.Field.__deepcopy__: False, forms.ChoiceField.__deepcopy__: True}  # -> has choices
_WIDGET_COPIES = {forms.Widget.__deepcopy__: False, forms.widgets.ChoiceWidget.__deepcopy__: True}
_default_copy_classes: dict[type, bool] = {}


def _copied_by_default(cls) -> bool:
    known = _default_copy_classes.get(cls)
    if known is None:
        known = _default_copy_classes[cls] = _copies_by_default(cls)
    return known


def _shallow(obj):
    new = object.__new__(type(obj))
    new.__dict__.update(obj.__dict__)
    return new


def _field_copy(field, memo):
    """copy.deepcopy(field) as Field/ChoiceField.__deepcopy__ and Widget/ChoiceWidget.__deepcopy__ make it, for
    fields and widgets that use those and copy by default; any other through copy.deepcopy()."""
    field_cls, widget = type(field), field.widget
    widget_cls = type(widget)
    has_choices = _FIELD_COPIES.get(field_cls.__deepcopy__)
    widget_choices = _WIDGET_COPIES.get(widget_cls.__deepcopy__)
    if has_choices is None or widget_choices is None or id(field) in memo or id(widget) in memo:
        return copy.deepcopy(field, memo)
    if not (_copied_by_default(field_cls) and _copied_by_default(widget_cls)):
        return copy.deepcopy(field, memo)
    choices = field._choices if has_choices else None
    if has_choices and not (
        type(choices) is list
        and all(
            type(choice) is tuple and all(isinstance(part, _IMMUTABLE_CHOICE_PARTS) for part in choice)
            for choice in choices
        )
    ):
        return copy.deepcopy(field, memo)
    result = _shallow(field)
    memo[id(field)] = result
    new_widget = _shallow(widget)
    new_widget.attrs = widget.attrs.copy()
    if widget_choices:
        new_widget.choices = copy.copy(widget.choices)
    memo[id(widget)] = new_widget
    result.widget = new_widget
    result.error_messages = field.error_messages.copy()
    result.validators = field.validators[:]
    if has_choices:
        result._choices = list(choices)  # its tuples hold only immutable values: deepcopy keeps them
    return result


class FieldsCopiedQuickly(dict):
    """A form class's base_fields whose deep copy (every form makes one) copies each field as
    copy.deepcopy() would, without the copy module's generic machinery (tests compare the two)."""

    def __deepcopy__(self, memo):
        return {name: _field_copy(field, memo) for name, field in self.items()}


# ---------------------------------------------------------------------------------------------------
# Widgets and fields rendered in Python: the same markup as Django's templates, at a fraction of the cost.


def _attr_value(value) -> str:
    # `{{ value|stringformat:'s' }}`: a safe string is kept as it is, anything else escaped (as
    # django.utils.html.escape does, without its lazy-string wrapper).
    return value if isinstance(value, SafeData) else escape_text(value)


def _text(value) -> str:
    # `{{ value }}`: localized, then escaped unless safe.
    if type(value) is str:
        return escape_text(value)
    if isinstance(value, Promise):
        return _lazy_text(value)
    return conditional_escape(localize(value))


# The escaped text of a lazy string (a label, help text or choice: gettext_lazy, often with capfirst) by
# language. They are constants of the forms' classes, and looking each up in the catalogue on every form cost
# more than writing the rest of the field. Kept with the object itself, so a key is never another's.
_LAZY_TEXTS: dict[tuple[int, str | None], tuple[Promise, str]] = {}
_LAZY_TEXTS_MAX = 4096


def _lazy_text(value: Promise) -> str:
    key = (id(value), get_language())
    cached = _LAZY_TEXTS.get(key)
    if cached is not None and cached[0] is value:
        return cached[1]
    html = conditional_escape(value)  # as `{{ value }}`: localize() leaves a lazy string as it is
    if len(_LAZY_TEXTS) >= _LAZY_TEXTS_MAX:
        _LAZY_TEXTS.clear()  # lazy strings made per form rather than per class: keep it bounded
    _LAZY_TEXTS[key] = (value, html)
    return html


# Attribute names and values as written, by their text: they are the forms' constants (classes, ids, lengths,
# `aria-describedby`), the same on every form, and escaping each again cost more than the rest of the attributes.
_ATTR_TEXTS: dict[str, str] = {}
_ATTR_TEXTS_MAX = 4096


def _attr_text(text: str) -> str:
    escaped = _ATTR_TEXTS.get(text)
    if escaped is None:
        if len(_ATTR_TEXTS) >= _ATTR_TEXTS_MAX:
            _ATTR_TEXTS.clear()  # values made per form rather than per class: keep it bounded
        escaped = _ATTR_TEXTS[text] = escape_text(text)
    return escaped


def _name_text(value) -> str:
    # `{{ value }}` for a field's names and ids: the form's constants, escaped once.
    return _attr_text(value) if type(value) is str else _text(value)


def _attrs(attrs: dict) -> str | None:
    """django/forms/widgets/attrs.html; None if a value is not a plain one (the template then renders it)."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        name = _attr_text(name) if type(name) is str else _text(name)
        if value is True:
            parts.append(f" {name}")
        elif type(value) is str:
            parts.append(f' {name}="{_attr_text(value)}"')
        elif isinstance(value, _PLAIN):
            parts.append(f' {name}="{_attr_value(value)}"')
        else:
            return None
    return "".join(parts)


_PLAIN = (str, int, float, Decimal, Promise)


def _render_input(widget: dict) -> str | None:
    attrs = _attrs(widget["attrs"])
    value = widget["value"]
    if attrs is None or (value is not None and not isinstance(value, _PLAIN)):
        return None
    value = "" if value is None else f' value="{_attr_value(value)}"'
    return f'<input type="{_name_text(widget["type"])}" name="{_name_text(widget["name"])}"{value}{attrs}>'


def _render_textarea(widget: dict) -> str | None:
    attrs = _attrs(widget["attrs"])
    value = widget["value"]
    if attrs is None or (value and not isinstance(value, _PLAIN)):
        return None
    return f'<textarea name="{_name_text(widget["name"])}"{attrs}>\n{_text(value) if value else ""}</textarea>'


def _render_select(widget: dict) -> str | None:
    attrs = _attrs(widget["attrs"])
    if attrs is None:
        return None
    # Each option ends with a newline: select.html includes select_option.html, which ends with one.
    parts = [f'<select name="{_text(widget["name"])}"{attrs}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in group_choices:
            option_attrs = _attrs(option["attrs"])
            if option["template_name"] != "django/forms/widgets/select_option.html" or option_attrs is None:
                return None
            if not isinstance(option["value"], _PLAIN) or not isinstance(option["label"], _PLAIN):
                return None
            parts.append(
                f'\n  <option value="{_attr_value(option["value"])}"{option_attrs}>{_text(option["label"])}</option>\n'
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _render_clearable_file_input(widget: dict) -> str | None:
    if widget["is_initial"]:
        return None  # the stored file's link and the clear checkbox: the template writes them
    attrs = _attrs(widget["attrs"])
    if attrs is None:
        return None
    # The template's first line is empty without a stored file; the renderer strips the newline.
    return f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{attrs}>'


_INPUT_TEMPLATES = ("text", "number", "email", "url", "password", "tel", "search", "hidden", "checkbox")
PYTHON_WIDGET_TEMPLATES = {
    **{f"django/forms/widgets/{name}.html": _render_input for name in _INPUT_TEMPLATES},
    "django/forms/widgets/input.html": _render_input,
    "django/forms/widgets/textarea.html": _render_textarea,
    "django/forms/widgets/select.html": _render_select,
    "django/forms/widgets/clearable_file_input.html": _render_clearable_file_input,
}


class PythonWidgetRenderer(DjangoTemplates):
    """Django's form renderer, but the plain inputs, textareas and selects are written in Python (exactly
    as Django's templates write them: tests/core/test_forms_rendering.py compares the two); anything else,
    and any value that is not a plain string or number, goes through the templates as usual."""

    def render(self, template_name, context, request=None):
        render_widget = PYTHON_WIDGET_TEMPLATES.get(template_name)
        if render_widget is not None and "widget" in context:
            html = render_widget(context["widget"])
            if html is not None:
                return html
        return super().render(template_name, context, request=request)


# The widgets whose markup the bound field's attributes and value give directly: their get_context() adds
# nothing but the input type, and their template is one PythonWidgetRenderer writes.
_DIRECT_WIDGETS = {
    forms.TextInput: _render_input,
    forms.NumberInput: _render_input,
    forms.EmailInput: _render_input,
    forms.URLInput: _render_input,
    forms.Textarea: _render_textarea,
}


def _widget_html(field: BoundField, *, has_help_text: bool) -> str:
    """str(field) — BoundField.as_widget() of the field's own widget, written by PythonWidgetRenderer — for
    the plain text inputs and textareas of a BootstrapBoundField, without the layers in between
    (as_widget, Widget.render and get_context, the renderer): the same attributes in the same order, the
    same value (tests/core/test_forms_rendering.py compares the two). Anything else is str(field).
    `has_help_text`: whether the field's help text is not empty (the caller has looked it up already)."""
    form_field, form = field.field, field.form
    widget = form_field.widget
    widget_class = type(widget)
    render = _DIRECT_WIDGETS.get(widget_class)
    if (
        render is None
        or type(field) is not BootstrapBoundField
        or type(form.renderer) is not PythonWidgetRenderer
        or widget.template_name != widget_class.template_name
        or form_field.localize
    ):
        return conditional_escape(field)
    # BoundField.build_widget_attrs(), then BootstrapBoundField's class, then as_widget()'s id.
    extra = {}
    if widget.use_required_attribute(field.initial) and form_field.required and form.use_required_attribute:
        extra["required"] = True
    if form_field.disabled:
        extra["disabled"] = True
    errors = field.errors
    if not widget.is_hidden and errors:
        extra["aria-invalid"] = "true"
    if widget.attrs.get("aria-describedby"):
        described_by = None  # BoundField.aria_describedby: the widget's own is kept
    else:  # BoundField.aria_describedby, the help text already looked up
        ids = []
        if field.auto_id and not widget.is_hidden:
            if has_help_text:
                ids.append(f"{field.auto_id}_helptext")
            if errors:
                ids.append(f"{field.auto_id}_error")
        described_by = " ".join(ids)
    if not widget.use_fieldset and described_by:
        extra["aria-describedby"] = described_by
    classes = [widget.attrs.get("class", ""), "form-control", "is-invalid" if errors else ""]
    extra["class"] = " ".join(c for c in classes if c)
    if field.auto_id and "id" not in widget.attrs:
        extra["id"] = field.auto_id
    context = {
        "name": field.html_name,
        "value": widget.format_value(field.value()),
        "attrs": {**widget.attrs, **extra},  # Widget.build_attrs()
    }
    if render is _render_input:
        context["type"] = widget.input_type
    html = render(context)
    return html if html is not None else conditional_escape(field)


def render_bootstrap_field(field: BoundField) -> str:
    """templates/forms/field.html in Python, newlines around it included (that template stays the reference
    tests/core/test_forms_rendering.py compares with)."""
    required = field.field.required
    asterisk = '<span class="asteriskField">*</span>' if required else ""
    required_class = " requiredField" if required else ""
    auto_id = _name_text(field.auto_id)
    label = f"{_text(field.label)}{asterisk}</label>"
    help_text = field.help_text  # a lazy one is looked up once, in _text()
    help_html = _text(help_text) if isinstance(help_text, str | Promise) or help_text else ""
    if field.widget_type == "checkbox":
        head = (
            f'\n<div class="mb-3"><div id="div_{auto_id}" class="form-check">{conditional_escape(field)}\n'
            f'  <label for="{_name_text(field.id_for_label)}" class="form-check-label{required_class}">{label}\n'
        )
    else:
        head = (
            f'\n<div id="div_{auto_id}" class="mb-3">\n'
            f'  <label for="{_name_text(field.id_for_label)}" class="form-label{required_class}">{label}\n'
            f"  {_widget_html(field, has_help_text=bool(help_html))}\n"
        )
    parts = [head]
    errors = field.errors
    if errors:
        parts.append(f'\n  <div id="{auto_id}_error" class="invalid-feedback">')
        for number, error in enumerate(errors, 1):
            parts.append(f'<p id="error_{number}_{auto_id}"><strong>{_text(error)}</strong></p>')
        parts.append("</div>")
    if help_html:
        parts.append(f'\n  <div id="{auto_id}_helptext" class="form-text">{help_html}</div>')
    parts.append("\n</div>")
    if field.widget_type == "checkbox":
        parts.append("</div>")
    parts.append("\n")
    html = "".join(parts)  # every piece above is escaped
    return mark_safe(html)  # noqa: S308  # nosec B308 B703
