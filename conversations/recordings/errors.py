from __future__ import annotations

# Here, not in analyse.py, so that the upload page can say it without importing numpy
# and PyAV into every web worker.
MONO_MESSAGE = (
    "This recording has everyone on one channel (mono), so we cannot tell reliably who "
    "spoke when. Nothing was kept. To measure a call, record it with one side per channel "
    "or one file per person: dialers and call recorders usually call this “dual-channel” "
    "or “stereo” recording; Zoom has “Record a separate audio file for each participant” "
    "under Settings → Recording; Riverside, SquadCast and OBS can save one track per "
    "person. Or import the call's transcript, or run the live tracker next time."
)


class RecordingError(ValueError):
    """A recording that cannot be measured, with a message for the rep's page."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return self.message
