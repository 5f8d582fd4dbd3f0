"""Links in emails need SITE_URL: `check --deploy` refuses a production server without it."""

from __future__ import annotations

import pytest

from salesheart.checks import site_url_check
from tests.helpers import PRODUCTION, manage


def ids(settings) -> list[str]:
    return [message.id for message in site_url_check()]


def test_a_missing_site_url_fails_the_production_deployment_checklist():
    env = {**PRODUCTION, "SITE_URL": ""}
    result = manage("check", "--deploy", env=env)
    assert result.returncode != 0
    assert "salesheart.E001" in result.stderr
    assert "SITE_URL is not set" in result.stderr


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:8000", "http://localhost:8000/", "https://app.localhost", "http://[::1]"],
)
def test_a_local_site_url_is_refused_when_debug_is_off(settings, url):
    settings.DEBUG = False
    settings.SITE_URL = url
    assert ids(settings) == ["salesheart.E003"]


@pytest.mark.parametrize("url", ["sales.example.com", "ftp://sales.example.com", "https://"])
def test_a_site_url_that_is_no_web_address_is_refused(settings, url):
    settings.DEBUG = False
    settings.SITE_URL = url
    assert ids(settings) == ["salesheart.E002"]


def test_a_public_site_url_passes(settings):
    settings.DEBUG = False
    settings.SITE_URL = "https://sales.example.com"
    assert ids(settings) == []


def test_local_development_needs_no_site_url(settings):
    settings.DEBUG = True
    settings.SITE_URL = ""
    assert ids(settings) == []
