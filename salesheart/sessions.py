"""Sliding sessions that are written at most once in a while, not on every request.

A session ends after SESSION_COOKIE_AGE without a request, and every request a person
makes pushes that end back. Django's way to slide it, SESSION_SAVE_EVERY_REQUEST,
writes the session row (and on PostgreSQL commits a transaction) on every request,
the pages that only read included: a fixed cost on each of them. Here a request
renews the session only when its stored end is more than SESSION_RENEW_INTERVAL
older than a fresh one would be, so an active person's session is written about
once an interval, and an idle one still ends between SESSION_COOKIE_AGE minus the
interval and SESSION_COOKIE_AGE after their last request. A session whose data
changed (sign-in, input kept after an expiry, messages) is saved as before.

The end is read from the row the session was loaded from, so knowing it costs no
query; a request that never reads the session (a health check) does not renew it,
and a person's page always reads it (the sign-in check does).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends import db
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpRequest, HttpResponse
from django.utils import timezone


class SessionStore(db.SessionStore):
    """Django's database sessions, remembering when the loaded row was due to end."""

    stored_expiry: datetime | None = None

    def load(self) -> dict[str, Any]:
        row = self._get_session_from_db()
        self.stored_expiry = row.expire_date if row else None
        return self.decode(row.session_data) if row else {}

    async def aload(self) -> dict[str, Any]:
        row = await self._aget_session_from_db()
        self.stored_expiry = row.expire_date if row else None
        return self.decode(row.session_data) if row else {}


def renewal_due(session: Any) -> bool:
    """Whether this request should push the session's end back (save it)."""
    stored = getattr(session, "stored_expiry", None)
    if stored is None or session.modified:
        # Never loaded, gone, or about to be saved anyway.
        return False
    fresh = timezone.now() + timedelta(seconds=session.get_expiry_age())
    return stored < fresh - timedelta(seconds=settings.SESSION_RENEW_INTERVAL)


class SlidingSessionMiddleware(SessionMiddleware):
    """Django's session middleware, also saving a session whose renewal is due."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and renewal_due(session):
            session.modified = True
        return super().process_response(request, response)
