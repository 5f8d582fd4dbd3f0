"""A new gunicorn worker does the first request's one-off work before it accepts any."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from collections.abc import Iterator

import pytest
from django.template import engines
from django.template.loaders.cached import Loader as CachedLoader
from django.urls import clear_url_caches, get_resolver

from salesheart.warmup import warm_up
from tests.helpers import DROPPED, PRODUCTION, ROOT


@pytest.fixture(autouse=True)
def unfrozen() -> Iterator[None]:
    """warm_up freezes what is loaded, as a worker should; this test process should not."""
    yield
    gc.unfreeze()


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


def test_warm_up_leaves_what_it_loaded_out_of_the_garbage_collectors_rounds():
    gc.unfreeze()
    warm_up()
    # Django, the URL patterns and the compiled templates: far more than a handful.
    assert gc.get_freeze_count() > 10_000


def test_a_web_worker_loads_no_audio_library():
    # numpy and PyAV measure recordings in the task worker; loading them in every web
    # worker made each start (and a reload) a third of a second longer.
    code = (
        "import sys, salesheart.wsgi\n"
        "from salesheart.warmup import warm_up\n"
        "warm_up()\n"
        "print(sorted({'numpy', 'av'} & set(sys.modules)))\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in DROPPED}
    env.update(PRODUCTION, ALLOWED_HOSTS="127.0.0.1", DJANGO_SETTINGS_MODULE="salesheart.settings")
    loaded = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    assert loaded.stdout.strip() == "[]"
