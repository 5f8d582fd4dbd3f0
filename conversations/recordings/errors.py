from __future__ import annotations


class RecordingError(ValueError):
    """A recording that cannot be measured, with a message for the rep's page."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return self.message
