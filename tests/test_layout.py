from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings


def page_for(client, user, path="/conversations/"):
    client.force_login(user)
    return client.get(path)


def test_every_page_carries_a_strict_content_security_policy(client, rep):
    response = page_for(client, rep)
    policy = response["Content-Security-Policy"]
    assert "object-src 'none'" in policy
    assert "base-uri 'none'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert re.search(r"script-src 'self' 'nonce-[\w+/=-]+'", policy)


def test_every_script_tag_carries_this_requests_nonce(client, rep):
    response = page_for(client, rep)
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    html = response.content.decode()
    scripts = re.findall(r"<script[^>]*>", html)
    assert len(scripts) >= 2
    assert all(f'nonce="{nonce}"' in tag for tag in scripts)


def test_nonces_change_with_every_request(client, rep):
    first = page_for(client, rep)["Content-Security-Policy"]
    second = page_for(client, rep)["Content-Security-Policy"]
    assert first != second


def test_htmx_is_served_from_our_own_static_files(client, rep):
    html = page_for(client, rep).content.decode()
    src = re.search(r'<script src="([^"]*htmx[^"]*)"', html).group(1)
    assert src.startswith("/static/")


def test_htmx_requests_carry_the_csrf_token(client, rep):
    response = page_for(client, rep)
    token = response.cookies["csrftoken"].value
    assert token
    html = response.content.decode()
    assert re.search(
        r"""<body data-server-now="\d+" data-user="\d+" hx-headers='\{"X-CSRFToken": "\w+"\}'>""",
        html,
    )


def test_security_headers_are_set(client, rep):
    response = page_for(client, rep)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_a_csrf_failure_gets_a_friendly_page(rep):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(rep)
    response = client.post("/accounts/password_change/", {})
    assert response.status_code == 403
    assert b"could not be sent" in response.content


def test_every_page_title_is_words_only():
    # A tab, a bookmark and a screen reader announce the <title> as plain text: markup in
    # the title block shows there as raw tags.
    templates = Path(settings.BASE_DIR) / "templates"
    titles = {
        str(path.relative_to(templates)): block
        for path in templates.rglob("*.html")
        for block in re.findall(
            r"{% block title %}(.*?){% endblock %}", path.read_text(encoding="utf-8"), re.S
        )
    }
    assert titles
    assert {name: block for name, block in titles.items() if "<" in block or "\n" in block} == {}


def test_no_template_comment_spans_lines():
    # Django's {# #} ends on its own line; one that goes on to the next is shown on the page
    # as text (it happened once on the conversation list). Longer words: {% comment %}.
    templates = Path(settings.BASE_DIR) / "templates"
    opened = {
        str(path.relative_to(templates)): number
        for path in templates.rglob("*.html")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if line.count("{#") > line.count("#}")
    }
    assert opened == {}
