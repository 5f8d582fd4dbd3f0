from __future__ import annotations

from unittest import mock

from django.db import OperationalError


def test_it_answers_ok_when_the_database_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"]


def test_it_needs_no_sign_in(client, db):
    assert client.get("/healthz").status_code == 200


def test_it_answers_503_when_the_database_is_down(client, db):
    with mock.patch("salesheart.views.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert b"database unavailable" in response.content
