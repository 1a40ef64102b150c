"""{% bootstrap_field form.x %}: templates/forms/field.html written in Python (core.forms.render_bootstrap_field)."""

from django import template

from core.forms import render_bootstrap_field

register = template.Library()


@register.simple_tag
def bootstrap_field(field):
    return render_bootstrap_field(field)
