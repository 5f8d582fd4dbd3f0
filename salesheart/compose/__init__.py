"""Composition: the code whose job is to put the apps together.

The rest of `salesheart` is the base every app builds on (users, teams, the
cross-cutting helpers) and imports no app. What needs every app at once lives here
or in the other composition roots (urls, settings, wsgi, the management commands
that build a whole organisation): the home page that knows each role's first page,
the personal data export. Nothing in the base imports this package;
scripts/layers.py checks it.
"""
