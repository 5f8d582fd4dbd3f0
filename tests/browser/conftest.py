from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD


@pytest.fixture
def sign_in(live_server, page: Page):
    """Sign in through the real form, as a person would."""

    def _sign_in(username: str, password: str = PASSWORD, target: Page | None = None) -> Page:
        target = target or page
        target.goto(f"{live_server.url}/accounts/login/")
        target.get_by_label("Username").fill(username)
        target.get_by_label("Password").fill(password)
        target.get_by_role("button", name="Sign in").click()
        expect(target).not_to_have_url(re.compile(r"/accounts/login/"))
        return target

    return _sign_in
