"""Dashboard fragments, rendered once and served again until what they show changes.

A dashboard's figures cost several times the page around them to compute and render,
and they change only when a rep's conversations, customers, coaching notes, team's bands
or assignments (reflections/stamps.py), or a name they show, do. Every
such write gives the rep a new random stamp in the same transaction as the write
(signals on save and delete; the bulk writes call `touch` themselves). A fragment's
cache key holds the stamps of every rep it shows and everything else it reads: the
code, the viewer, the rep's and team's rows, the query string, the day and the time
zones. A change is therefore a new key: nothing needs invalidating, and a fragment
made from older data is never asked for again.

The stamp is written after the data, in the data's transaction, so whoever reads the
new stamp reads the new data too. A rep without a stamp (rows loaded in bulk by code
that did not touch them) is never cached: computing is always right, caching only when
the stamp is.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from conversations.models import CoachingNote, Conversation, FiguresStamp

if TYPE_CHECKING:
    from salesheart.models import User

# A day: every key holds the date, so nothing older is ever read again.
TIMEOUT = 24 * 3600


def _code_version() -> str:
    """The code and templates that draw the fragments (reflections' tags among them): a
    deploy is a new key, as a shared cache outlives the processes that filled it."""
    digest = hashlib.sha256()
    for folder in ("conversations", "reflections", "salesheart", "templates"):
        for path in sorted((Path(settings.BASE_DIR) / folder).rglob("*")):
            if path.suffix in {".py", ".html"}:
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


CODE_VERSION = _code_version()


def touch(rep_ids: Iterable[int | None], signal: dict[str, Any] | None = None) -> None:
    """Give these reps new stamps, inside the caller's transaction (one statement).

    A receiver passes its signal's arguments: a row deleted because its person is erased
    (User.delete) touches no stamp of that person's, which goes with them (person_erased);
    otherwise erasing a rep would write their stamp once for each of their rows."""
    origin = (signal or {}).get("origin")
    meta = getattr(origin, "_meta", None)
    erased = origin.pk if meta is not None and meta.label == settings.AUTH_USER_MODEL else None
    stamps = [
        FiguresStamp(rep_id=pk, token=secrets.token_hex(8))
        for pk in set(rep_ids)
        if pk and pk != erased
    ]
    if stamps:
        FiguresStamp.objects.bulk_create(
            stamps, update_conflicts=True, unique_fields=["rep_id"], update_fields=["token"]
        )


def stamps_of(rep_ids: Iterable[int]) -> dict[int, str]:
    stamps = FiguresStamp.objects.filter(rep_id__in=list(rep_ids))
    return dict(stamps.values_list("rep_id", "token"))


def key_of(request: HttpRequest, *parts: Any) -> str:
    """The key of a fragment of this request: its parts plus what every fragment reads."""
    zone = timezone.get_current_timezone()
    words = repr(
        (
            CODE_VERSION,
            request.user.pk,
            sorted(request.GET.lists()),
            str(zone),
            timezone.localdate(timezone=zone),
            *parts,
        )
    )
    return "fragments:" + hashlib.sha256(words.encode()).hexdigest()


def row_of(instance: Any) -> list[Any]:
    """Every stored value of a row, for a key that must change whenever the row does."""
    return [getattr(instance, field.attname) for field in instance._meta.concrete_fields]


def rep_key(request: HttpRequest, rep: User, *parts: Any) -> str | None:
    """The key of a fragment of this rep's, as this request shows it; None while the rep
    has no stamp. The rep's own row and their team's are part of it (names, bands)."""
    stamp = stamps_of([rep.pk]).get(rep.pk)
    if stamp is None:
        return None
    team = rep.team
    return key_of(
        request,
        stamp,
        (rep.pk, rep.first_name, rep.last_name, rep.username, rep.team_id, rep.time_zone),
        row_of(team) if team else None,
        *parts,
    )


def rendered(
    request: HttpRequest,
    template: str,
    names: list[str],
    key: str | None,
    context: Callable[[], dict[str, Any]],
) -> dict[str, SafeString]:
    """The partials `names` of `template`, from the cache under `key` or rendered from
    `context()` (called only then) and kept. No key (a rep without a stamp): rendered."""
    keys = {name: f"{key}:{name}" for name in names}
    if key is not None:
        found = cache.get_many(list(keys.values()))
        if len(found) == len(keys):
            return {name: mark_safe(found[keys[name]]) for name in names}
    values = context()
    parts = {name: render_to_string(f"{template}#{name}", values, request) for name in names}
    if key is not None:
        cache.set_many({keys[name]: html for name, html in parts.items()}, TIMEOUT)
    return {name: mark_safe(html) for name, html in parts.items()}


# What gives a rep a new stamp -----------------------------------------------------------


def conversation_or_customer_changed(sender: type, instance: Any, **kwargs: Any) -> None:
    touch([instance.rep_id], kwargs)


def note_changed(sender: type, instance: Any, **kwargs: Any) -> None:
    conversation = Conversation.objects.filter(pk=instance.conversation_id)
    touch(conversation.values_list("rep_id", flat=True), kwargs)


def band_changed(sender: type, instance: Any, **kwargs: Any) -> None:
    from salesheart.models import User

    touch(User.objects.filter(team_id=instance.team_id).values_list("pk", flat=True))


def is_rename(saved: dict[str, Any]) -> bool:
    """A person's post_save that may have changed their name: not their creation, and not
    the last-login stamp written at every sign-in."""
    return not saved.get("created") and set(saved.get("update_fields") or ()) != {"last_login"}


def person_renamed(sender: type, instance: Any, **kwargs: Any) -> None:
    """A name is shown on other people's pages: the person's own, their team's (as its
    manager) and those of the reps whose conversations carry their coaching notes."""
    if not is_rename(kwargs):
        return
    from salesheart.models import User

    notes = CoachingNote.objects.filter(author=instance)
    touch(
        [
            instance.pk,
            *User.objects.filter(team__managers=instance).values_list("pk", flat=True),
            *notes.values_list("conversation__rep_id", flat=True),
        ]
    )


def person_erased(sender: type, instance: Any, **kwargs: Any) -> None:
    FiguresStamp.objects.filter(rep_id=instance.pk).delete()
