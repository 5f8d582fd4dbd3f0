from __future__ import annotations

import re

from django.core.management import call_command
from playwright.sync_api import Page, expect

from salesheart.management.commands.demo import DEMO_PASSWORD


def test_a_demo_rep_signs_in_and_lands_on_their_conversations(live_server, page: Page, sign_in):
    call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    sign_in("rita", DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(r"/conversations/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your conversations")
    expect(page.get_by_role("link", name="Team")).to_have_count(0)


def test_a_demo_manager_lands_on_the_team_dashboard(live_server, page: Page, sign_in):
    call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    sign_in("mara", DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(r"/conversations/team/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("North")
    expect(page).to_have_title("North: team dashboard · SalesHeart")


def test_signing_out_ends_the_session(live_server, page: Page, sign_in, rep):
    sign_in("rita")
    page.get_by_text("Rita Osei").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.goto(f"{live_server.url}/conversations/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/conversations/"))
