"""A small browser over plain HTTP for tests and benchmarks against a real server.

It keeps cookies and one kept-alive connection, and posts forms the way a browser
does: it reads the form from the page and sends back every field it found there
(the CSRF token and any other hidden input included), with only the fields a
person would type changed. New hidden fields on a form need no change here.
"""

from __future__ import annotations

import http.client
import time
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie

# Inputs a browser sends from their value; buttons and files are not filled in here.
VALUE_INPUTS = {
    "",
    "hidden",
    "text",
    "email",
    "number",
    "password",
    "search",
    "tel",
    "url",
    "date",
    "datetime-local",
    "time",
    "month",
    "week",
    "color",
    "range",
}


@dataclass
class Form:
    action: str
    method: str
    form_id: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    # Names of every control, even unchecked boxes and empty selects: what the form offers.
    names: set[str] = field(default_factory=set)
    options: dict[str, list[str]] = field(default_factory=dict)

    def values(self, changes: dict[str, str] | None = None) -> list[tuple[str, str]]:
        """The fields as the form would send them, with `changes` typed in."""
        changes = changes or {}
        sent = [(name, changes.get(name, value)) for name, value in self.fields]
        present = {name for name, _ in self.fields}
        sent += [(name, value) for name, value in changes.items() if name not in present]
        return sent


@dataclass
class Control:
    # The enclosing form, or the id a control outside it names with form="...".
    owner: Form | str
    name: str
    sent: list[str] = field(default_factory=list)
    options: list[str] | None = None
    multiple: bool = False


class FormParser(HTMLParser):
    """Every <form> of a page with its fields, including controls tied to it by form="id"."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._current: Form | None = None
        self._controls: list[Control] = []
        self._select: Control | None = None
        self._textarea: Control | None = None
        self._text: list[str] = []

    def _control(self, attrs: dict[str, str | None]) -> Control | None:
        name = attrs.get("name") or ""
        owner = attrs.get("form") or self._current
        if not name or owner is None or "disabled" in attrs:
            return None
        control = Control(owner=owner, name=name)
        self._controls.append(control)
        return control

    def handle_starttag(self, tag: str, attr_list: list[tuple[str, str | None]]) -> None:
        attrs = dict(attr_list)
        if tag == "form":
            self._current = Form(
                action=attrs.get("action") or "",
                method=(attrs.get("method") or "get").lower(),
                form_id=attrs.get("id") or "",
            )
            self.forms.append(self._current)
        elif tag == "input":
            kind = (attrs.get("type") or "").lower()
            if kind in VALUE_INPUTS and (control := self._control(attrs)):
                control.sent.append(attrs.get("value") or "")
            elif kind in {"checkbox", "radio"} and (control := self._control(attrs)):
                # Known to the form even unchecked; sent only when checked.
                control.sent.extend([attrs.get("value") or "on"] if "checked" in attrs else [])
        elif tag == "textarea":
            self._textarea = self._control(attrs)
            self._text = []
        elif tag == "select":
            self._select = self._control(attrs)
            if self._select is not None:
                self._select.options = []
                self._select.multiple = "multiple" in attrs
        elif tag == "option" and self._select is not None:
            value = attrs.get("value") or ""
            self._select.options.append(value)
            if "selected" in attrs and (self._select.multiple or not self._select.sent):
                self._select.sent.append(value)

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None
        elif tag == "textarea" and self._textarea is not None:
            # Browsers drop the newline right after <textarea>; the parser keeps it.
            self._textarea.sent.append("".join(self._text).removeprefix("\n"))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            select = self._select
            if not select.sent and not select.multiple and select.options:
                select.sent.append(select.options[0])
            self._select = None

    def close(self) -> None:
        super().close()
        by_id = {form.form_id: form for form in self.forms if form.form_id}
        for control in self._controls:
            form = by_id.get(control.owner) if isinstance(control.owner, str) else control.owner
            if form is None:
                continue
            form.names.add(control.name)
            form.fields.extend((control.name, value) for value in control.sent)
            if control.options is not None:
                form.options[control.name] = control.options


def forms_of(html: str) -> list[Form]:
    parser = FormParser()
    parser.feed(html)
    parser.close()
    return parser.forms


@dataclass
class Page:
    method: str
    path: str
    status: int
    location: str
    body: str
    started: float
    finished: float
    # Whether the request went over a connection that had already served one.
    reused_connection: bool

    @property
    def seconds(self) -> float:
        return self.finished - self.started

    @property
    def redirect_path(self) -> str:
        """Where a redirect points, as a path on this server, without its #fragment."""
        parts = urllib.parse.urlsplit(self.location)
        return urllib.parse.urlunsplit(("", "", parts.path, parts.query, ""))

    def form_target(self, form: Form) -> str:
        """The path `form` posts to: its action, or this page when it names none."""
        return urllib.parse.urljoin(self.path, form.action or self.path)

    def form(self, has_field: str = "", action_ends_with: str | None = None) -> Form:
        """The POST form of this page that has `has_field`, or whose action ends so."""
        for form in forms_of(self.body):
            if form.method != "post":
                continue
            if has_field and has_field not in form.names:
                continue
            if action_ends_with is not None and not form.action.endswith(action_ends_with):
                continue
            return form
        raise LookupError(f"no form with {has_field or action_ends_with!r} on {self.path}")


class Browser:
    """One person's browser against one server: cookies and a kept-alive connection."""

    def __init__(self, base_url: str, timeout: float = 30.0) -> None:
        parts = urllib.parse.urlsplit(base_url)
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self._connection: http.client.HTTPConnection | None = None
        self._served = 0
        # Whether the latest request went over a connection that had served one before.
        self.last_reused_connection = False

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
        self._connection = None
        self._served = 0

    def get(self, path: str) -> Page:
        return self.request("GET", path)

    def post(self, path: str, fields: Iterable[tuple[str, str]]) -> Page:
        return self.request("POST", path, urllib.parse.urlencode(list(fields)).encode())

    def submit(self, page: Page, form: Form, changes: dict[str, str] | None = None) -> Page:
        """Post `form` of `page` as a person would after typing `changes` into it."""
        return self.post(page.form_target(form), form.values(changes))

    def request(self, method: str, path: str, body: bytes | None = None) -> Page:
        """One request; a connection error is raised as it comes (no retry: callers count)."""
        if self._connection is None:
            self._connection = http.client.HTTPConnection(self.host, self.port, self.timeout)
            self._served = 0
        reused = self.last_reused_connection = self._served > 0
        headers = {"Accept": "text/html"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.origin
            headers["Referer"] = f"{self.origin}{path}"
        started = time.time()
        try:
            self._connection.request(method, path, body=body, headers=headers)
            response = self._connection.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException):
            self.close()
            raise
        finished = time.time()
        self._served += 1
        if response.will_close:
            self.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            self._store_cookie(header)
        return Page(
            method=method,
            path=path,
            status=response.status,
            location=response.headers.get("Location", ""),
            body=content.decode("utf-8", "replace"),
            started=started,
            finished=finished,
            reused_connection=reused,
        )

    def _store_cookie(self, header: str) -> None:
        jar = SimpleCookie()
        jar.load(header)
        for name, morsel in jar.items():
            if morsel["max-age"] == "0" or not morsel.value:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = morsel.value

    def sign_in(self, username: str, password: str) -> Page:
        """The sign-in form, as a person fills it; answers the page the form posted to."""
        page = self.get("/accounts/login/")
        return self.submit(
            page, page.form("password"), {"username": username, "password": password}
        )
