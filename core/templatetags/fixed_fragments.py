"""{% fixed %}...{% endfixed %}: a piece of a template that is the same for every request in a language.

The layout repeats the same links, static file URLs and translated labels on every page; rendering them
tag by tag cost a noticeable share of a page. A fixed fragment is rendered once per language (and URL
prefix) in each process and its HTML kept. It is rendered with an empty context, so it cannot show
anything of the request or the person: a variable inside one renders as nothing, whoever asks.
"""

from django import template
from django.template.context import Context
from django.urls import get_script_prefix
from django.utils.translation import get_language

register = template.Library()


class FixedNode(template.Node):
    def __init__(self, nodelist: template.NodeList):
        self.nodelist = nodelist
        self.rendered: dict[tuple[str | None, str], str] = {}

    def render(self, context: Context) -> str:
        key = (get_language(), get_script_prefix())
        html = self.rendered.get(key)
        if html is None:
            # context.new(): the same engine and settings, none of the variables.
            html = self.rendered[key] = self.nodelist.render(context.new())
        return html


@register.tag
def fixed(parser, token) -> FixedNode:
    if len(token.split_contents()) != 1:
        raise template.TemplateSyntaxError("{% fixed %} takes no arguments")
    nodelist = parser.parse(("endfixed",))
    parser.delete_first_token()
    return FixedNode(nodelist)
