"""Persian labels for audit actions."""

from django import template

from ravabet.core.audit import ACTION_LABELS, STATE_LABELS

register = template.Library()


@register.filter
def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


@register.filter
def state_label(state: str) -> str:
    return STATE_LABELS.get(state, state)
