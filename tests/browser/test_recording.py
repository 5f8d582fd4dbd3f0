"""A rep measures a call from a recording in the browser: upload, progress, side, figures."""

from __future__ import annotations

import numpy as np
import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from conversations.models import Conversation, Recording
from tests.audio import make_call, needs_audio_tools, write_wav
from tests.factories import make_customer, start_conversation
from tests.helpers import private_recording_store

pytestmark = [pytest.mark.browser, needs_audio_tools]


@pytest.fixture
def conversation(rep) -> Conversation:
    return start_conversation(rep, make_customer(rep, "Dana Reed", company="Reed Logistics"))


@pytest.fixture
def recordings(tmp_path):
    voices = tmp_path / "voices"
    voices.mkdir()
    call = make_call(voices)
    left, right = call.channels()
    mixed = ((left.astype(np.int32) + right) // 2).astype(np.int16)
    return {
        "stereo": write_wav(tmp_path / "dialer-call.wav", [left, right]),
        "mono": write_wav(tmp_path / "phone-memo.wav", [mixed]),
    }


@pytest.fixture
def queued_jobs(settings, tmp_path):
    """The embedded setup: jobs wait in the database until the test runs the worker."""
    private_recording_store(settings, tmp_path)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def open_upload(page: Page, live_server, conversation: Conversation) -> None:
    page.goto(f"{live_server.url}/conversations/{conversation.pk}/recording/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Measure from a recording")


def test_a_rep_uploads_a_stereo_call_waits_chooses_their_channel_and_sees_the_figures(
    page: Page, sign_in, conversation, live_server, recordings, queued_jobs
):
    sign_in("rita")
    open_upload(page, live_server, conversation)
    page.get_by_label("The recording").set_input_files(recordings["stereo"])
    page.get_by_label("Everyone on this call agreed to be recorded.").check()
    page.get_by_role("button", name="Upload and measure").click()

    expect(page.locator("#recording-bar")).to_be_visible()
    expect(page.locator("#recording-step")).to_contain_text("Waiting for a worker")
    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*")

    # The page polls and moves on by itself once the worker is done.
    expect(page.get_by_role("heading", name="Which channel is you?")).to_be_visible(timeout=20_000)
    expect(page.locator(".side-strip")).to_have_count(2)
    page.get_by_role("radio", name="Left channel").check()
    page.get_by_role("button", name="Build the timeline").click()

    expect(page.get_by_text("Measured from the recording. The audio is deleted.")).to_be_visible()
    # Words were on (the team's default): the lines went through the transcript path.
    expect(page.get_by_text("From the recording ·")).to_be_visible()
    expect(page.get_by_role("heading", name="The conversation, line by line")).to_be_visible()
    expect(page.get_by_role("term").filter(has_text="Listening ratio")).to_be_visible()
    conversation.refresh_from_db()
    assert conversation.figures_source == Conversation.Source.RECORDING
    assert Recording.objects.get().state == Recording.State.DONE


def test_a_rep_uploading_a_mono_file_is_told_how_to_get_sides(
    page: Page, sign_in, conversation, live_server, recordings, queued_jobs
):
    sign_in("rita")
    open_upload(page, live_server, conversation)
    page.get_by_label("The recording").set_input_files(recordings["mono"])
    page.get_by_label("Everyone on this call agreed to be recorded.").check()
    page.get_by_role("button", name="Upload and measure").click()

    message = page.locator("#mono-message")
    expect(message).to_contain_text("everyone on one channel (mono)")
    expect(message.get_by_role("link", name="Import a transcript")).to_be_visible()
    expect(message.get_by_role("link", name="Run the live tracker")).to_be_visible()
    assert not Recording.objects.exists()
