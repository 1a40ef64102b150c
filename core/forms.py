"""Bootstrap 5 form fields without crispy-forms' template tree, for long forms shown often.

`BootstrapBoundField` gives each widget the classes crispy-forms' bootstrap5 pack gives it (and
`is-invalid` when the field has errors), so templates/forms/field.html can print `{{ field }}` with the
label, help text and errors around it. Django itself adds `required`, `aria-invalid` and the
`aria-describedby` that points at the help text and the errors."""

from django import forms
from django.forms import BoundField


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


class BootstrapBoundField(BoundField):
    def build_widget_attrs(self, attrs, widget=None):
        widget = widget or self.field.widget
        attrs = super().build_widget_attrs(attrs, widget)
        classes = [attrs.get("class") or widget.attrs.get("class", ""), bootstrap_widget_class(widget)]
        if self.errors:
            classes.append("is-invalid")
        attrs["class"] = " ".join(c for c in classes if c)
        return attrs
