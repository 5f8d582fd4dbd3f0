"""No audio bytes remain anywhere once a recording is measured: store, temp, database, task.

Runs a real backend and its worker in the test: the database backend, or Redis (rq)
when the run is made with TASKS_BACKEND=rq (as CI does once).
"""

from __future__ import annotations

import base64
import tempfile

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse

from conversations.models import Recording
from tests.audio import make_call, needs_audio_tools, write_wav
from tests.factories import start_conversation
from tests.helpers import private_recording_store, stored_files, upload

pytestmark = needs_audio_tools


def _samples_of(data: bytes) -> list[bytes]:
    """Slices from the middle of the audio, raw and as text encodings would store them."""
    middle = len(data) // 2
    raw = [data[middle + offset : middle + offset + 48] for offset in (0, 4096, 65536)]
    return (
        raw + [base64.b64encode(chunk) for chunk in raw] + [chunk.hex().encode() for chunk in raw]
    )


def _every_value_in_the_database() -> bytes:
    dump = []
    for model in apps.get_models():
        if not model._meta.managed:
            continue  # no table of its own (django-rq's dashboard)
        for row in model.objects.all().values_list():
            dump.append(repr(row).encode())
    return b"\n".join(dump)


DB_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _queued_arguments(settings) -> list:
    if settings.TASKS_BACKEND == "rq":
        import django_rq

        (job,) = django_rq.get_queue("default").get_jobs()
        return [*job.args, *job.kwargs.values()]
    from django_tasks_db.models import DBTaskResult

    queued = DBTaskResult.objects.get()
    return [*queued.args_kwargs["args"], *queued.args_kwargs["kwargs"].values()]


def _run_worker(settings) -> None:
    if settings.TASKS_BACKEND == "rq":
        # Without forking, so the worker sees this test's database connection settings.
        call_command(
            "rqworker",
            "default",
            "--burst",
            "--worker-class",
            "rq.SimpleWorker",
            "--job-class",
            "django_tasks_rq.backend.Job",
        )
    else:
        call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*")


@pytest.mark.django_db(transaction=True)
def test_after_the_job_no_audio_bytes_remain_anywhere(client, rep, settings, tmp_path, monkeypatch):
    configured = dict(settings.TASKS)
    if settings.TASKS_BACKEND == "rq":
        import django_rq

        django_rq.get_queue("default").empty()  # jobs of an earlier, interrupted run
    store = private_recording_store(settings, tmp_path)
    settings.TASKS = configured if settings.TASKS_BACKEND == "rq" else DB_BACKEND
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    voices = tmp_path / "voices"
    voices.mkdir()
    call = make_call(voices)
    wav = write_wav(tmp_path / "call.wav", list(call.channels()))
    audio = wav.read_bytes()
    conversation = start_conversation(rep, purpose="Discovery call")
    client.force_login(rep)

    client.post(
        reverse("conversations:recording_upload", args=[conversation.pk]),
        {"files": [upload(wav)], "consent": "on"},
    )

    recording = Recording.objects.get()
    # The task gets the row's id and nothing else, whatever the backend stores.
    assert _queued_arguments(settings) == [recording.pk]
    assert len(stored_files(store)) == 1

    _run_worker(settings)

    recording.refresh_from_db()
    assert recording.state == Recording.State.READY
    assert stored_files(store) == []
    assert [path for path in temp.rglob("*") if path.is_file()] == []
    everything = _every_value_in_the_database()
    for sample in _samples_of(audio):
        assert sample not in everything
