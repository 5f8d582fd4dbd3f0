"""Work a new server process does before its first request, not during it.

gunicorn calls warm_up() in each new worker (gunicorn.conf.py, post_worker_init)
before the worker accepts connections. Without it the first requests a worker
answers import every views module, compile the URL patterns and compile each
template they render: about half a second of CPU on an idle machine, several on a
busy one, and after a reload every worker is new at once.

Last, everything loaded so far is frozen out of the garbage collector's sight: it lives
as long as the worker, and a full collection would otherwise walk it again and again
during requests (an hour's transcript import was a sixth faster with it,
benchmarks/transcript_import.py).
"""

from __future__ import annotations

import gc
import sys
from pathlib import Path

from django import forms
from django.conf import settings
from django.template import engines
from django.urls import get_resolver


class SampleForm(forms.Form):
    """The widgets our forms use, for the form renderer's templates (Django's own)."""

    text = forms.CharField()
    choice = forms.ChoiceField(choices=[("a", "A")])
    notes = forms.CharField(widget=forms.Textarea)
    flag = forms.BooleanField()


def warm_up() -> list[str]:
    """Compile the URL patterns and our templates, then freeze what is loaded (module
    notes); the names of the templates compiled."""
    # Populating the resolver imports every views module the URLconf names.
    get_resolver().reverse_dict  # noqa: B018 (the lookup is the work)
    compiled = []
    for engine in engines.all():
        for name in own_templates(engine.template_dirs):
            # The engine's cached loader keeps the compiled template for every request.
            engine.get_template(name)
            compiled.append(name)
    # Bound and empty, so it is rendered with its errors too.
    str(SampleForm(data={}))
    gc.collect()  # what is garbage already is not kept for ever
    gc.freeze()
    return compiled


def own_templates(directories: list[Path | str]) -> list[str]:
    """Template names under our own template directories (not those of installed packages).

    The admin's and other packages' templates serve pages few requests ask for;
    compiling them all would lengthen every worker's start for little."""
    base = Path(settings.BASE_DIR).resolve()
    installed = Path(sys.prefix).resolve()
    names = []
    for directory in map(Path, directories):
        directory = directory.resolve()
        if not directory.is_relative_to(base) or directory.is_relative_to(installed):
            continue
        names += sorted(str(path.relative_to(directory)) for path in directory.rglob("*.html"))
    return names
