"""Background jobs (Django's tasks framework): measuring an uploaded call recording.

The task receives the id of a Recording row, never audio: the row names the stored
files (STORAGES["recordings"]), so a worker on another host reads them from the same
store. The files are deleted when the job ends, fails or is cancelled.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.files.storage import storages
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from conversations.models import Recording
from conversations.recordings.errors import RecordingError

logger = logging.getLogger(__name__)

CRASHED = (
    "Measuring stopped twice without finishing (the worker was stopped or ran out of "
    "memory), so we gave up; nothing of the recording was kept. Upload it again, or "
    "ask your administrator to check the background worker."
)
UNEXPECTED = (
    "Something went wrong while measuring this recording; nothing of it was kept. "
    "Upload it again; if it happens again, ask your administrator."
)


class Cancelled(Exception):
    pass


def recording_storage():
    return storages["recordings"]


def delete_files(recording: Recording) -> None:
    """Delete the uploaded audio and keep only the original names."""
    storage = recording_storage()
    for entry in recording.files:
        if entry.get("path"):
            storage.delete(entry["path"])
    recording.files = [{"name": entry["name"]} for entry in recording.files]


def _claim(recording_id: int) -> Recording | None:
    with transaction.atomic():
        recording = Recording.objects.select_for_update().filter(pk=recording_id).first()
        if recording is None or recording.state != Recording.State.QUEUED:
            return None  # cancelled, finished, or taken by another worker meanwhile
        recording.state = Recording.State.RUNNING
        recording.step = Recording.Step.DECODING
        recording.attempts += 1
        recording.heartbeat_at = timezone.now()
        recording.save(update_fields=["state", "step", "attempts", "heartbeat_at"])
        return recording


def _finish(recording: Recording, **fields) -> None:
    """End the job: files deleted, final state written unless the rep cancelled meanwhile."""
    with transaction.atomic():
        locked = Recording.objects.select_for_update().get(pk=recording.pk)
        delete_files(locked)
        if locked.state == Recording.State.CANCELLED:
            fields = {}
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.finished_at = timezone.now()
        locked.save()


@task
def measure_recording(recording_id: int) -> None:
    recording = _claim(recording_id)
    if recording is None:
        return

    def progress(step: str, fraction: float) -> None:
        # Each report is also the heartbeat that tells the web side the worker lives.
        updated = Recording.objects.filter(pk=recording.pk, state=Recording.State.RUNNING).update(
            step=step, progress=fraction, heartbeat_at=timezone.now()
        )
        if not updated:
            raise Cancelled

    workdir = Path(tempfile.mkdtemp(prefix="salesheart-recording-"))
    try:
        storage = recording_storage()
        local = []
        for index, entry in enumerate(recording.files):
            target = workdir / f"{index}{Path(entry['name']).suffix[:10]}"
            with storage.open(entry["path"], "rb") as source, open(target, "wb") as copy:
                shutil.copyfileobj(source, copy)
            local.append((entry["name"], target))
        # Imported here, not with this module: it brings numpy and PyAV, which only the
        # task worker needs, and every web worker imports this module (apps.py, views),
        # at a third of a second each start, more on a busy machine.
        from conversations.recordings.pipeline import measure

        result = measure(
            local,
            max_seconds=settings.RECORDING_MAX_SECONDS,
            words=recording.words,
            progress=progress,
        )
    except Cancelled:
        _finish(recording)
    except RecordingError as error:
        _finish(recording, state=Recording.State.FAILED, message=error.message)
    except Exception:
        logger.exception("Measuring recording %s failed", recording.pk)
        _finish(recording, state=Recording.State.FAILED, message=UNEXPECTED)
    else:
        _finish(
            recording,
            state=Recording.State.READY,
            step=Recording.Step.DONE,
            progress=1.0,
            result=result,
            layout=result["layout"],
        )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def recording_check_stale(recording: Recording) -> Recording:
    """A running job whose worker went quiet is retried once, then failed with a message.

    Called when the progress page is polled, so a killed worker never leaves a job
    "running" forever.
    """
    stale_before = timezone.now() - timedelta(seconds=settings.RECORDING_STALE_SECONDS)
    if recording.state != Recording.State.RUNNING or (
        recording.heartbeat_at and recording.heartbeat_at > stale_before
    ):
        return recording
    with transaction.atomic():
        locked = Recording.objects.select_for_update().get(pk=recording.pk)
        if locked.state != Recording.State.RUNNING or (
            locked.heartbeat_at and locked.heartbeat_at > stale_before
        ):
            return locked
        if locked.attempts < 2:
            locked.state = Recording.State.QUEUED
            locked.step = Recording.Step.QUEUED
            locked.progress = 0.0
            locked.save(update_fields=["state", "step", "progress"])
            transaction.on_commit(lambda: measure_recording.enqueue(locked.pk))
        else:
            delete_files(locked)
            locked.state = Recording.State.FAILED
            locked.message = CRASHED
            locked.finished_at = timezone.now()
            locked.save()
    return locked


def recording_deleted(sender: type, instance: Recording, **kwargs: object) -> None:
    paths = [entry["path"] for entry in instance.files if entry.get("path")]
    if paths:
        storage = recording_storage()
        transaction.on_commit(lambda: [storage.delete(path) for path in paths])
