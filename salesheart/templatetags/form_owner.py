"""`{% csrf_token %}` that also says whose page the form is on.

A builtin (settings.TEMPLATES) listed after Django's own, so it replaces Django's
tag in every template: each form that posts carries, beside its CSRF token, the
signed id of the user it was shown to. A form posted after the session expired
is kept only for that user (salesheart/pending.py); a new form cannot forget it.
"""

from __future__ import annotations

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.utils.html import format_html

from salesheart.pending import OWNER_FIELD, owner_stamp

register = template.Library()


class CsrfTokenWithOwnerNode(CsrfTokenNode):
    def render(self, context: template.Context) -> str:
        rendered = super().render(context)
        request = context.get("request")
        user = getattr(request, "user", None)
        if not rendered or user is None or not user.is_authenticated:
            return rendered
        return format_html(
            '{}<input type="hidden" name="{}" value="{}">',
            rendered,
            OWNER_FIELD,
            owner_stamp(user),
        )


@register.tag
def csrf_token(parser: template.base.Parser, token: template.base.Token) -> CsrfTokenNode:
    return CsrfTokenWithOwnerNode()
