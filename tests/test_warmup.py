"""A new gunicorn worker does the first request's one-off work before it accepts any."""

from __future__ import annotations

from django.template import engines
from django.template.loaders.cached import Loader as CachedLoader
from django.urls import clear_url_caches, get_resolver

from salesheart.warmup import warm_up


def cached_templates() -> set[str]:
    names = set()
    for engine in engines.all():
        for loader in engine.engine.template_loaders:
            if isinstance(loader, CachedLoader):
                names |= set(loader.get_template_cache)
    return names


def test_warm_up_compiles_our_templates_and_the_url_patterns():
    for engine in engines.all():
        engine.engine.template_loaders[0].reset()
    clear_url_caches()
    assert not get_resolver()._populated

    compiled = warm_up()

    assert {"base.html", "conversations/detail.html", "forms/field.html"} <= set(compiled)
    assert not any(name.startswith("admin/") for name in compiled)  # the admin's are not ours
    assert set(compiled) <= cached_templates()
    assert "django/forms/widgets/textarea.html" in cached_templates()
    assert get_resolver()._populated
