"""Measure from a recording: upload with consent, progress, the rep's side, cancel, access."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from conversations import services
from conversations.models import Conversation, Recording
from conversations.recordings.analyse import MONO_MESSAGE
from conversations.tasks import CRASHED
from tests.audio import make_call, needs_audio_tools, write_wav
from tests.factories import start_conversation
from tests.helpers import private_recording_store, stored_files, upload

HTMX = {"HX-Request": "true"}


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("view-calls")
    call = make_call(folder)
    left, right = call.channels()
    mixed = ((left.astype(np.int32) + right) // 2).astype(np.int16)
    rng = np.random.default_rng(11)
    noise = [rng.normal(0, 800, len(left)).astype(np.int16) for _ in range(2)]
    return {
        "call": call,
        "stereo": write_wav(folder / "call.wav", [left, right]),
        "mono": write_wav(folder / "mono.wav", [mixed]),
        "noise": write_wav(folder / "noise.wav", noise),
        "rita": write_wav(folder / "Rita_Osei.wav", [left]),
        "dana": write_wav(folder / "Dana_Reed.wav", [right]),
    }


@pytest.fixture
def recording_store(settings, tmp_path):
    return private_recording_store(settings, tmp_path)


@pytest.fixture
def conversation(rep) -> Conversation:
    return start_conversation(rep, purpose="Discovery call")


@pytest.fixture
def signed_in(client, rep):
    client.force_login(rep)
    return client


def _url(name, conversation, *args):
    return reverse(f"conversations:{name}", args=[conversation.pk, *args])


def _post_upload(client, conversation, *paths, consent=True, words=False, capture=None):
    data = {"files": [upload(path) for path in paths]}
    if consent:
        data["consent"] = "on"
    if words:
        data["words"] = "on"
    with capture(execute=True):
        return client.post(_url("recording_upload", conversation), data)


def test_the_upload_page_asks_for_consent_and_offers_words_by_team_setting(
    signed_in, conversation, team
):
    team.recording_words = False
    team.save()

    page = signed_in.get(_url("recording_upload", conversation)).content.decode()

    assert "Everyone on this call agreed to be recorded." in page
    assert 'name="consent"' in page
    assert 'name="words"' in page and 'name="words" checked' not in page
    assert "multiple" in page


def test_the_conversation_page_links_to_measuring_from_a_recording(signed_in, conversation):
    page = signed_in.get(conversation.get_absolute_url()).content.decode()
    assert _url("recording_upload", conversation) in page


@needs_audio_tools
def test_without_consent_nothing_is_stored(
    signed_in, conversation, files, recording_store, django_capture_on_commit_callbacks
):
    response = _post_upload(
        signed_in,
        conversation,
        files["stereo"],
        consent=False,
        capture=django_capture_on_commit_callbacks,
    )

    assert response.status_code == 200
    assert "agreed to be recorded" in response.content.decode()
    assert not Recording.objects.exists()
    assert stored_files(recording_store) == []


@needs_audio_tools
def test_a_mono_file_gets_the_message_and_nothing_is_stored(
    signed_in, conversation, files, recording_store, django_capture_on_commit_callbacks
):
    response = _post_upload(
        signed_in, conversation, files["mono"], capture=django_capture_on_commit_callbacks
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="mono-message"' in page
    assert _url("transcript_import", conversation) in page
    assert _url("tracker", conversation) in page
    assert MONO_MESSAGE.split(".")[0] in page
    assert not Recording.objects.exists()
    assert stored_files(recording_store) == []


def test_a_file_that_is_not_audio_gets_a_message(
    signed_in, conversation, recording_store, django_capture_on_commit_callbacks, tmp_path
):
    notes = tmp_path / "notes.mp3"
    notes.write_text("not a recording at all\n" * 100)

    response = _post_upload(
        signed_in, conversation, notes, capture=django_capture_on_commit_callbacks
    )

    assert response.status_code == 200
    assert "not a recording we can read" in response.content.decode()
    assert not Recording.objects.exists()


@needs_audio_tools
def test_a_file_over_the_size_limit_is_refused(
    signed_in, conversation, files, recording_store, settings, django_capture_on_commit_callbacks
):
    settings.RECORDING_MAX_BYTES = 1000

    response = _post_upload(
        signed_in, conversation, files["stereo"], capture=django_capture_on_commit_callbacks
    )

    assert "the largest we take is" in response.content.decode()
    assert not Recording.objects.exists()


@needs_audio_tools
def test_a_stereo_upload_is_measured_and_the_audio_deleted_then_the_rep_chooses(
    signed_in, conversation, files, recording_store, django_capture_on_commit_callbacks
):
    response = _post_upload(
        signed_in, conversation, files["stereo"], capture=django_capture_on_commit_callbacks
    )

    recording = Recording.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url("recording_progress", conversation, recording.pk)
    assert recording.state == Recording.State.READY
    assert stored_files(recording_store) == []
    assert recording.files == [{"name": "call.wav"}]
    page = signed_in.get(response["Location"]).content.decode()
    assert "Which channel is you?" in page
    assert "Left channel" in page and "Right channel" in page
    assert page.count('class="side-strip"') == 2

    chosen = signed_in.post(
        _url("recording_choose", conversation, recording.pk), {"rep_sides": "0"}
    )

    conversation.refresh_from_db()
    recording.refresh_from_db()
    assert chosen.status_code == 302
    assert conversation.figures_source == Conversation.Source.RECORDING
    assert abs(conversation.listening_ratio - files["call"].listening_ratio) <= 0.02
    assert recording.state == Recording.State.DONE
    assert recording.result is None
    assert recording.rep_sides == [0]


@needs_audio_tools
def test_the_channel_chosen_last_time_is_offered_first(
    signed_in, rep, conversation, files, recording_store, django_capture_on_commit_callbacks
):
    _post_upload(
        signed_in, conversation, files["stereo"], capture=django_capture_on_commit_callbacks
    )
    first = Recording.objects.get()
    services.recording_choose(recording=first, rep_sides=[1])
    other = start_conversation(rep, purpose="Follow-up")

    _post_upload(signed_in, other, files["stereo"], capture=django_capture_on_commit_callbacks)

    second = Recording.objects.get(conversation=other)
    page = signed_in.get(_url("recording_progress", other, second.pk)).content.decode()
    assert 'value="1" checked' in page
    assert 'value="0" checked' not in page


@needs_audio_tools
def test_per_participant_files_are_sides_with_the_reps_own_pre_ticked(
    signed_in, conversation, files, recording_store, django_capture_on_commit_callbacks
):
    _post_upload(
        signed_in,
        conversation,
        files["rita"],
        files["dana"],
        capture=django_capture_on_commit_callbacks,
    )

    recording = Recording.objects.get()
    page = signed_in.get(_url("recording_progress", conversation, recording.pk)).content.decode()
    assert recording.layout == "tracks"
    assert "Who was on the selling side?" in page
    assert 'type="checkbox" name="rep_sides" value="0" checked' in page
    assert 'value="1" checked' not in page


@needs_audio_tools
def test_a_noise_only_recording_fails_with_a_message_and_keeps_no_audio(
    signed_in, conversation, files, recording_store, django_capture_on_commit_callbacks
):
    _post_upload(
        signed_in, conversation, files["noise"], capture=django_capture_on_commit_callbacks
    )

    recording = Recording.objects.get()
    page = signed_in.get(_url("recording_progress", conversation, recording.pk)).content.decode()
    assert recording.state == Recording.State.FAILED
    assert "no speech" in page
    assert stored_files(recording_store) == []
    assert conversation.segments.count() == 0


@needs_audio_tools
def test_a_queued_job_shows_progress_polls_and_can_be_cancelled(
    signed_in, conversation, files, recording_store
):
    # Enqueued on commit, which a test transaction never reaches: the job stays queued.
    recording = services.recording_start(
        conversation=conversation, files=[upload(files["stereo"])], words=False
    )
    assert len(stored_files(recording_store)) == 1

    page = signed_in.get(_url("recording_progress", conversation, recording.pk)).content.decode()
    poll = signed_in.get(_url("recording_progress", conversation, recording.pk), headers=HTMX)
    cancelled = signed_in.post(_url("recording_cancel", conversation, recording.pk))

    assert '<progress id="recording-bar"' in page
    assert 'http-equiv="refresh"' in page
    assert 'hx-trigger="every 2s"' in poll.content.decode()
    assert "<html" not in poll.content.decode()
    assert cancelled.status_code == 302
    recording.refresh_from_db()
    assert recording.state == Recording.State.CANCELLED
    assert stored_files(recording_store) == []


@pytest.mark.django_db
def test_polling_a_finished_job_sends_the_browser_to_the_full_page(signed_in, conversation):
    recording = Recording.objects.create(
        conversation=conversation, state=Recording.State.FAILED, message="It broke."
    )

    poll = signed_in.get(_url("recording_progress", conversation, recording.pk), headers=HTMX)

    assert poll["HX-Redirect"] == _url("recording_progress", conversation, recording.pk)


@needs_audio_tools
def test_a_job_whose_worker_died_is_retried_once_then_failed_with_a_message(
    signed_in, conversation, files, recording_store
):
    recording = services.recording_start(
        conversation=conversation, files=[upload(files["stereo"])], words=False
    )
    long_ago = timezone.now() - timedelta(hours=1)
    Recording.objects.filter(pk=recording.pk).update(
        state=Recording.State.RUNNING, attempts=1, heartbeat_at=long_ago
    )

    signed_in.get(_url("recording_progress", conversation, recording.pk))
    recording.refresh_from_db()
    assert recording.state == Recording.State.QUEUED

    Recording.objects.filter(pk=recording.pk).update(
        state=Recording.State.RUNNING, attempts=2, heartbeat_at=long_ago
    )
    page = signed_in.get(_url("recording_progress", conversation, recording.pk)).content.decode()
    recording.refresh_from_db()
    assert recording.state == Recording.State.FAILED
    assert recording.message == CRASHED
    assert "Measuring stopped twice" in page
    assert stored_files(recording_store) == []


@pytest.mark.django_db
def test_a_running_job_with_a_recent_heartbeat_is_left_alone(signed_in, conversation):
    recording = Recording.objects.create(
        conversation=conversation,
        state=Recording.State.RUNNING,
        attempts=1,
        heartbeat_at=timezone.now(),
    )

    signed_in.get(_url("recording_progress", conversation, recording.pk))

    recording.refresh_from_db()
    assert recording.state == Recording.State.RUNNING


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("recording_upload", "get"),
        ("recording_upload", "post"),
        ("recording_progress", "get"),
        ("recording_choose", "post"),
        ("recording_cancel", "post"),
    ],
)
def test_someone_elses_conversation_or_recording_is_not_found(
    client, other_rep, conversation, name, method
):
    recording = Recording.objects.create(
        conversation=conversation, state=Recording.State.READY, result={"sides": []}
    )
    client.force_login(other_rep)
    args = [] if name == "recording_upload" else [recording.pk]

    response = getattr(client, method)(_url(name, conversation, *args))

    assert response.status_code == 404
    recording.refresh_from_db()
    assert recording.state == Recording.State.READY


@pytest.mark.django_db
def test_a_recording_of_another_conversation_is_not_found_through_mine(
    signed_in, rep, conversation
):
    other = start_conversation(rep, purpose="Other call")
    recording = Recording.objects.create(conversation=other, state=Recording.State.READY)

    response = signed_in.get(_url("recording_progress", conversation, recording.pk))

    assert response.status_code == 404


@pytest.mark.django_db
def test_writes_need_the_csrf_token(rep, conversation):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(rep)
    recording = Recording.objects.create(conversation=conversation, state=Recording.State.QUEUED)

    response = client.post(_url("recording_cancel", conversation, recording.pk))

    assert response.status_code == 403
    recording.refresh_from_db()
    assert recording.state == Recording.State.QUEUED


@needs_audio_tools
def test_erasing_a_conversation_with_a_waiting_recording_deletes_its_audio(
    conversation, files, recording_store, django_capture_on_commit_callbacks
):
    services.recording_start(
        conversation=conversation, files=[upload(files["stereo"])], words=False
    )
    assert len(stored_files(recording_store)) == 1

    with django_capture_on_commit_callbacks(execute=True):
        Conversation.objects.filter(pk=conversation.pk).delete()

    assert stored_files(recording_store) == []


@needs_audio_tools
def test_the_sweep_retries_or_fails_quiet_jobs_nobody_looks_at_and_deletes_their_audio(
    conversation, files, recording_store
):
    long_ago = timezone.now() - timedelta(hours=1)
    retried, failed, alive = (
        services.recording_start(
            conversation=conversation, files=[upload(files["stereo"])], words=False
        )
        for _ in range(3)
    )
    Recording.objects.filter(pk=retried.pk).update(
        state=Recording.State.RUNNING, attempts=1, heartbeat_at=long_ago
    )
    Recording.objects.filter(pk=failed.pk).update(
        state=Recording.State.RUNNING, attempts=2, heartbeat_at=long_ago
    )
    Recording.objects.filter(pk=alive.pk).update(
        state=Recording.State.RUNNING, attempts=1, heartbeat_at=timezone.now()
    )
    out = io.StringIO()

    call_command("recordings_sweep", stdout=out)

    states = dict(Recording.objects.values_list("pk", "state"))
    assert states == {
        retried.pk: Recording.State.QUEUED,
        failed.pk: Recording.State.FAILED,
        alive.pk: Recording.State.RUNNING,
    }
    assert Recording.objects.get(pk=failed.pk).message == CRASHED
    kept = {path.parent.name for path in stored_files(recording_store)}
    assert kept == {
        Path(retried.files[0]["path"]).parent.name,
        Path(alive.files[0]["path"]).parent.name,
    }
    assert out.getvalue().strip() == "Queued again: 1; failed: 1."
