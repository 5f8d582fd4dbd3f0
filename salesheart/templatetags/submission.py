"""`{% submission_token form %}`: the hidden single-use token of a create form.

A builtin (settings.TEMPLATES), like `{% csrf_token %}`: every create form needs one.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from salesheart.idempotency import FIELD_NAME, token_for_form

register = template.Library()


@register.simple_tag(takes_context=True)
def submission_token(context: template.Context, form: Any = None) -> SafeString:
    token = token_for_form(context.get("request"), form)
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD_NAME, token)
