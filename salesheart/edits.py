"""Two people, or one person in two tabs, editing the same thing.

Every object people change through a form is a VersionedModel: it carries an
integer version that only an edit moves on (a number, not a clock, so servers or
phones with different times cannot confuse it). The edit form carries the
version it was shown with in a hidden field. Saving locks the row and compares:
when the stored version has moved on, nothing is written; the page shows what is
stored now beside what the person typed, and the hidden field takes the current
version, so saving again is a decision made with both in view. The first edit
always survives.

A form that comes back without any version saves as before: last write wins.
That is a page opened before versions existed, or a post kept over an expired
session from such a page; refusing it would strand what the person typed with
nothing to compare it against, and it is no worse than before. A version that is
there but is not a whole number is refused with a message: the form was mangled.

Bookkeeping saves (figures recomputed, a draft autosaved, a state stamped) leave
the version alone, so they never make a person's own open form look out of date.

A view says "save this edit or answer the conflict" in one call,
`save_edit_or_answer_conflict`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

if TYPE_CHECKING:
    from salesheart.models import User

EDIT_STAMPS = ("version", "edited_at", "edited_by")
MAX_VERSION = 2**31 - 1

DAMAGED_VERSION = (
    "This form came back with a damaged edit marker, so we cannot tell whether someone "
    "else saved a change meanwhile. Nothing was saved: check the form and save again."
)


class EditConflict(Exception):
    """Someone saved an edit after the form was shown; `stored` is the row as it is now."""

    def __init__(self, stored: VersionedModel) -> None:
        super().__init__(f"{stored._meta.label} {stored.pk} is at version {stored.version}")
        self.stored = stored


class EditTargetGone(Exception):
    """What the form was editing was deleted while it was open."""


def check_version(stored: VersionedModel, seen_version: int | None) -> None:
    """Refuse an edit made from an older version; `stored` must be read under a row lock."""
    if seen_version is not None and stored.version != seen_version:
        raise EditConflict(stored)


class VersionedModel(models.Model):
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="Moved on by every saved edit."
    )
    edited_at = models.DateTimeField(null=True, blank=True, editable=False)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    class Meta:
        abstract = True

    def save(self, **kwargs: Any) -> None:
        whole = kwargs.get("update_fields") is None and not kwargs.get("force_insert")
        if whole and not self._state.adding:
            # Only an edit writes the version: an instance read a while ago and saved
            # whole must not put an older version back and let a stale form through.
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name not in EDIT_STAMPS
            ]
        super().save(**kwargs)

    @classmethod
    def editable_rows(cls) -> models.QuerySet:
        """The rows an edit can still land on (a soft-deleted row is gone)."""
        return cls._default_manager.all()

    def mark_edited(self, by: User | None) -> list[str]:
        """Move the version on for an edit by `by`, saved now; returns the fields to save.

        Only on a row read under a lock in the current transaction, so the
        version it moves on from is the stored one."""
        self.version += 1
        self.edited_at = timezone.now()
        self.edited_by = by
        return list(EDIT_STAMPS)

    def save_edit(
        self, *, fields: Iterable[str], seen_version: int | None, by: User | None
    ) -> None:
        """Save these fields as `by`'s edit, unless it would undo someone else's.

        Raises EditConflict when an edit was saved after the form was shown at
        `seen_version` (None: the form carried none, last write wins), and
        EditTargetGone when the row no longer exists."""
        with transaction.atomic():
            stored = type(self).editable_rows().select_for_update().filter(pk=self.pk).first()
            if stored is None:
                raise EditTargetGone
            check_version(stored, seen_version)
            self.version = stored.version
            touched = [f.name for f in self._meta.concrete_fields if getattr(f, "auto_now", False)]
            self.save(update_fields={*fields, *touched, *self.mark_edited(by)})


# The page's side ---------------------------------------------------------------------


def save_edit_or_answer_conflict(
    request: HttpRequest,
    form: VersionedEditForm,
    *,
    to: Any,
    gone: Callable[[], HttpResponse],
    success: str | Callable[[], str] = "",
    save: Callable[[], Any] | None = None,
    in_place: Callable[[], HttpResponse] | None = None,
) -> HttpResponse | None:
    """The answer to an edit form's post once it is saved, or once what it edits is
    found gone; None when the form is shown again (not a post, errors, or a conflict).

    `save()` (by default the ModelForm's own `save_edit`) raises EditConflict when
    someone saved first: the form then carries the stored version and `form.notice`
    says what happened, with the stored row in `form.stored`; the view shows the form
    again (409). EditTargetGone is answered by `gone()`, and a ValidationError goes on
    the form. Saved: `success` is said and the answer is a redirect to `to` (what
    `redirect()` takes), or `in_place()` for an htmx post.
    """
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        if save is None:
            form.save_edit(by=request.user)
        else:
            save()
    except ValidationError as error:
        form.add_error(None, error)
        return None
    except EditConflict as conflict:
        form.notice = form.show_conflict(conflict, viewer=request.user)
        form.stored = conflict.stored
        return None
    except EditTargetGone:
        return gone()
    if in_place is not None and getattr(request, "htmx", False):
        return in_place()
    if text := success() if callable(success) else success:
        messages.success(request, text)
    return redirect(to)


def is_plausible_version(text: str) -> bool:
    return text.isascii() and text.isdigit() and 0 < int(text) <= MAX_VERSION


class VersionedEditForm(forms.Form):
    """An edit form that carries the version of what it edits, in a hidden field.

    A ModelForm takes it from its instance; other forms get it through `initial`.
    Templates write the field as a plain hidden input (no id: two edit forms can
    share a page)."""

    version = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if isinstance(instance, VersionedModel) and instance.pk:
            self.initial.setdefault("version", instance.version)
        self.version_damaged = False
        # Set when a save was refused because someone saved first: what to say, and
        # the row as it is stored now (the page shows it beside what was typed).
        self.notice: EditNotice | None = None
        self.stored: VersionedModel | None = None

    def clean_version(self) -> int | None:
        text = self.cleaned_data["version"].strip()
        if not text:
            return None
        if not is_plausible_version(text):
            self.version_damaged = True
            self.add_error(None, ValidationError(DAMAGED_VERSION, code="damaged_version"))
            return None
        return int(text)

    def full_clean(self) -> None:
        super().full_clean()
        if self.version_damaged and self.initial.get("version"):
            # Saving again goes against what is stored now, as after a conflict.
            self.carry_version(self.initial["version"])

    @property
    def seen_version(self) -> int | None:
        return self.cleaned_data.get("version")

    def carry_version(self, version: int) -> None:
        """Carry this version from now on, everything typed kept as it is."""
        if self.is_bound:
            data = self.data.copy()
            data["version"] = str(version)
            self.data = data
        else:
            self.initial["version"] = version

    def save_edit(self, *, by: User) -> VersionedModel:
        """A ModelForm's fields saved as `by`'s edit (VersionedModel.save_edit)."""
        fields = self._meta.fields
        self.instance.save_edit(fields=fields, seen_version=self.seen_version, by=by)
        return self.instance

    def show_conflict(
        self,
        conflict: EditConflict,
        *,
        viewer: User,
        shown: list[tuple[str, str]] | None = None,
        advice: str = "",
        doing: str = "editing",
    ) -> EditNotice:
        """Take the stored version (a second save is deliberate) and say what happened."""
        self.carry_version(conflict.stored.version)
        if shown is None:
            shown = stored_values(self, conflict.stored)
        return conflict_notice(
            conflict.stored, viewer=viewer, shown=shown, advice=advice, doing=doing
        )


@dataclass(frozen=True)
class EditNotice:
    """What a page says when a save did not go through because of someone else's change."""

    headline: str
    advice: str
    shown_title: str = ""
    shown: list[tuple[str, str]] = field(default_factory=list)


def at_moment(moment: datetime | None) -> str:
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    if local.date() == timezone.localdate():
        return f" at {local:%H:%M}"
    return f" on {local.day} {local:%b} at {local:%H:%M}"


def conflict_notice(
    stored: VersionedModel,
    *,
    viewer: User,
    shown: list[tuple[str, str]],
    advice: str = "",
    doing: str = "editing",
) -> EditNotice:
    when = at_moment(stored.edited_at)
    if stored.edited_by_id is not None and stored.edited_by_id == viewer.pk:
        return EditNotice(
            headline=f"You saved a change to this{when} in another tab or window "
            f"while you were {doing} here.",
            advice=advice
            or "That version is shown below; your changes here are still in the form — "
            "review and save again.",
            shown_title="Saved in the other tab",
            shown=shown,
        )
    editor = stored.edited_by or "Someone else"
    return EditNotice(
        headline=f"{editor} changed this{when} while you were {doing}.",
        advice=advice
        or "Their version is shown below; your changes are still in the form — "
        "review and save again.",
        shown_title="Their version",
        shown=shown,
    )


def gone_notice(what: str, form: forms.BaseForm) -> EditNotice:
    return EditNotice(
        headline=f"{what} is not there any more (removed, perhaps in another tab), "
        "so nothing was saved.",
        advice="What you typed is below, to copy.",
        shown_title="What you typed",
        shown=typed_values(form),
    )


def _words(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return f"{timezone.localtime(value):%d %b %Y, %H:%M}"
    return str(value)


def stored_values(form: forms.BaseForm, stored: models.Model) -> list[tuple[str, str]]:
    """The form's visible fields as they are stored now, in words."""
    rows = []
    for bound in form.visible_fields():
        try:
            model_field = stored._meta.get_field(bound.name)
        except FieldDoesNotExist:
            continue
        if model_field.many_to_many:
            value = "; ".join(str(item) for item in getattr(stored, bound.name).all())
        elif model_field.choices:
            value = getattr(stored, f"get_{bound.name}_display")()
        else:
            value = _words(getattr(stored, bound.name))
        rows.append((str(bound.label), value or "—"))
    return rows


def typed_values(form: forms.BaseForm) -> list[tuple[str, str]]:
    """The form's visible fields as the person typed or chose them, in words."""
    rows = []
    for bound in form.visible_fields():
        value = bound.value()
        choices = getattr(bound.field, "choices", None)
        if choices is not None:
            labels = {str(key): str(label) for key, label in choices}
            chosen = value if isinstance(value, list | tuple) else [value]
            text = "; ".join(labels.get(str(v), str(v)) for v in chosen if v not in (None, ""))
        else:
            text = _words(value)
        rows.append((str(bound.label), text or "—"))
    return rows


def gone_page(
    request: HttpRequest,
    notice: EditNotice,
    *,
    back_url: str,
    back_label: str,
    restore_url: str = "",
) -> HttpResponse:
    """The answer to an edit of something deleted meanwhile: not found, as for anything
    that is not there, but saying what happened and showing what was typed."""
    context = {
        "notice": notice,
        "back_url": back_url,
        "back_label": back_label,
        "restore_url": restore_url,
    }
    return render(request, "edit_gone.html", context, status=404)
