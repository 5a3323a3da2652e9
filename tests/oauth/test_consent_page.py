"""The consent and error pages come from autoescaped Jinja2 templates: whatever a client or an app registration
puts in them (app name, state, scope, username) comes back as text, never as markup."""

from __future__ import annotations

import base64
import hashlib
import re

from fitbit_local.oauth.consent_page import STYLE
from fitbit_local.templates import render
from tests.factories import make_app
from tests.oauth.helpers import REDIRECT, open_consent, page_error, parse_page, submit

SCRIPT = '"><script>alert(1)</script>'


def test_app_name_and_state_come_back_escaped(http, services, ann):
    app = make_app(services, name="<script>alert('app')</script>")
    page = open_consent(
        http,
        client_id=app.client_id,
        response_type="code",
        scope="activity",
        redirect_uri=REDIRECT,
        state=SCRIPT,
    )
    assert page.status_code == 200
    assert "<script>" not in page.text
    assert "&lt;script&gt;alert(&#39;app&#39;)&lt;/script&gt;" in page.text
    hidden = {i["name"]: i["value"] for i in parse_page(page.text).inputs if i.get("type") == "hidden"}
    assert hidden["state"] == SCRIPT  # escaped in the attribute, intact for the browser that submits it
    again = submit(http, page, username=SCRIPT, password="wrong")  # the username is shown again in its field
    assert again.status_code == 200 and "<script>" not in again.text
    assert [i["value"] for i in parse_page(again.text).inputs if i.get("name") == "username"] == [SCRIPT]


def test_the_error_page_escapes_what_the_request_sent(http, services):
    app = make_app(services)
    page = open_consent(
        http,
        client_id=app.client_id,
        response_type="code",
        scope="<script>alert(1)</script>",
        redirect_uri=REDIRECT,
    )
    assert page.status_code == 400 and "<script>" not in page.text
    assert "<script>alert(1)</script>" in (page_error(page) or "")


def test_every_template_escapes_by_default():
    assert "&lt;b&gt;" in render("oauth/error.html", title="<b>", style="", message="x")
    assert "<b>" not in render("oauth/error.html", title="t", style="", message="<b>")


def test_the_inline_style_matches_its_csp_hash(http, services):
    app = make_app(services)
    page = open_consent(
        http, client_id=app.client_id, response_type="code", scope="activity", redirect_uri=REDIRECT
    )
    style = re.search(r"<style>(.*?)</style>", page.text, re.S)
    assert style is not None and style.group(1) == STYLE
    digest = base64.b64encode(hashlib.sha256(style.group(1).encode()).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in page.headers["Content-Security-Policy"]
