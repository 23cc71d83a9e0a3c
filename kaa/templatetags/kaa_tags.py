from django import template
from django.templatetags.static import static
from django.utils.html import format_html

from kaa.forms import CodeChoiceField

register = template.Library()


@register.filter
def pnr(digits: str) -> str:
    """12 stored digits shown as YYYYMMDD-NNNN."""
    from youths.personnummer import format_digits  # kaa sits below youths

    return format_digits(digits or "")


@register.filter
def code_field(bound_field) -> bool:
    return isinstance(bound_field.field, CodeChoiceField)


@register.simple_tag
def query_with(query_string: str, **params) -> str:
    """The current query string with `params` replaced (for paging links)."""
    from django.http import QueryDict

    query = QueryDict(query_string, mutable=True)
    for key, value in params.items():
        query[key] = value
    return query.urlencode()


@register.simple_tag(takes_context=True)
def form_token(context) -> str:
    """The hidden one-time token of a form that writes (see kaa/idempotency.py)."""
    from django.utils.html import format_html

    from kaa.idempotency import TOKEN_FIELD, token_for

    return format_html(
        '<input type="hidden" name="{}" value="{}">', TOKEN_FIELD, token_for(context["request"])
    )


@register.filter
def timeuntil_days(day, today) -> int:
    """Whole days from `today` until `day` (0 when it has passed)."""
    if not day or not today:
        return 0
    return max(0, (day - today).days)


@register.simple_tag
def audit_detail(detail, names) -> str:
    """An audit row's details in Swedish words (see kaa/audit_words.py)."""
    from django.utils.html import format_html_join

    from kaa.audit_words import describe

    return format_html_join("; ", "{}: {}", describe(detail, names=names or {}))


@register.simple_tag
def icon(name: str, extra_class: str = "") -> str:
    """An icon from the vendored sprite, hidden from assistive technology: an icon only ever
    stands beside a text that says the same, never alone."""
    href = f"{static('vendor/bootstrap-icons/icons.svg')}#{name}"
    return format_html(
        '<svg class="bi{}" aria-hidden="true" focusable="false"><use href="{}"></use></svg>',
        f" {extra_class}" if extra_class else "",
        href,
    )


STATUS_ICONS = {
    "i_malgrupp": "check-circle",
    "att_utreda": "hourglass-split",
    "ej_aktuell": "dash-circle",
}


@register.simple_tag
def status_icon(status: str) -> str:
    """The icon beside a status badge's text (the text says it; colour and icon only help)."""
    return icon(STATUS_ICONS.get(status, "dash-circle"))
