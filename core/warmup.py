"""What a fresh process would otherwise do on its first requests, done up front.

gunicorn's master (config/gunicorn.py) calls warm_up() once before it forks the workers, so every worker,
and every worker recycled after max_requests, starts with the URL patterns resolved, the translation
catalogues read and the site's templates compiled. None of it touches the database or the cache."""

from django.conf import settings
from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines
from django.urls import get_resolver
from django.utils import translation


def _populate(resolver) -> None:
    # Each namespace has its own resolver, filled in on its first reverse() under each language.
    for _prefix, namespace in resolver.namespace_dict.values():
        _populate(namespace)


def _site_template_names() -> list[str]:
    names = []
    for directory in settings.TEMPLATES[0]["DIRS"]:
        names += sorted(
            path.relative_to(directory).as_posix()
            for path in directory.rglob("*")
            if path.is_file() and path.suffix in (".html", ".txt")
        )
    return names


def warm_up() -> list[str]:
    """Resolve the URL patterns, load each language's catalogue and compile the site's own templates (the
    cached template loader keeps them). Returns the names of the templates compiled."""
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            _populate(get_resolver())
    engine = engines["django"]
    compiled = []
    for name in _site_template_names():
        try:
            engine.get_template(name)
        except (TemplateDoesNotExist, TemplateSyntaxError):
            continue  # a template that does not compile fails on its own request, as it would have anyway
        compiled.append(name)
    return compiled
