"""Files people download: CSV streamed and made safe to open, and every file name sent
through Django's content_disposition_header (quoted, and non-ASCII names kept)."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any

from django.http import HttpResponseBase, StreamingHttpResponse
from django.utils.http import content_disposition_header

# What spreadsheets run as a formula when a cell starts with it.
FORMULA_STARTS = {"=", "+", "-", "@", "\t", "\r"}


def as_attachment[Response: HttpResponseBase](response: Response, filename: str) -> Response:
    """The response, downloaded under that name rather than shown."""
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


class Echo:
    """csv.writer wants a file; this one hands each line straight to the response."""

    def write(self, value: str) -> str:
        return value


def percent_cell(value: float | None) -> str:
    """A share as a percentage with one decimal; empty when there is no figure."""
    return "" if value is None else f"{value * 100:.1f}"


def safe_cell(value: Any) -> Any:
    """Text a spreadsheet would run as a formula (a customer named "=HYPERLINK(...)")
    is written with a leading apostrophe, which spreadsheets show as plain text."""
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return value


def csv_response(rows: Iterable[list[Any]], filename: str) -> StreamingHttpResponse:
    writer = csv.writer(Echo())
    response = StreamingHttpResponse(
        (writer.writerow([safe_cell(cell) for cell in row]) for row in rows),
        content_type="text/csv; charset=utf-8",
    )
    return as_attachment(response, filename)
