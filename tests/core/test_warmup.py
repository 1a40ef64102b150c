from django.template import engines

from core.warmup import warm_up


def _cached_template_names() -> set[str]:
    (loader,) = engines["django"].engine.template_loaders  # the cached loader of production settings
    return {template.origin.template_name for template in loader.get_template_cache.values()}


# No django_db mark: any database access here would fail the test (gunicorn's master runs this before forking).
def test_warm_up_compiles_the_site_templates_without_the_database():
    engines["django"].engine.template_loaders[0].reset()

    compiled = warm_up()

    assert {"base.html", "jury/juror/dashboard.html", "nominations/edit.html"} <= set(compiled)
    assert set(compiled) <= _cached_template_names()


def test_warm_up_fills_every_namespace_for_every_language(settings):
    from django.urls import get_resolver
    from django.utils import translation

    warm_up()

    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            namespaces = get_resolver().namespace_dict
            assert code in get_resolver()._namespace_dict
            _prefix, jury = namespaces["jury"]
            assert code in jury._reverse_dict
