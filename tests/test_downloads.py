"""salesheart/downloads.py: the one way a file is named and a CSV is written."""

from __future__ import annotations

from salesheart.downloads import csv_response, percent_cell


def test_a_file_name_with_quotes_and_accents_reaches_the_browser_intact():
    response = csv_response([], 'Zoë "Z" Brandt.csv')
    # Not ASCII: the name goes as RFC 5987 (filename*), quotes and all, percent-encoded.
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''Zo%C3%AB%20%22Z%22%20Brandt.csv"
    )


def test_cells_a_spreadsheet_would_run_are_written_as_text():
    response = csv_response(
        [["name", "listening %"], ["=SUM(A1)", percent_cell(0.5734)], ["-2", percent_cell(None)]],
        "x.csv",
    )
    assert b"".join(response.streaming_content).decode() == (
        "name,listening %\r\n'=SUM(A1),57.3\r\n'-2,\r\n"
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
