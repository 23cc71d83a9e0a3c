from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.html import format_html

register = template.Library()
_LINK_PREFIX = "dashboards.figure_link_prefix"


@register.simple_tag
def count_of(split, sex="", age=None):
    """A figure's count for a kön and/or an age ("" / None for all)."""
    if sex and age not in (None, ""):
        return split.by_sex_age.get((sex, age), 0)
    if sex:
        return split.by_sex.get(sex, 0)
    if age not in (None, ""):
        return split.by_age.get(age, 0)
    return split.total


@register.simple_tag(takes_context=True)
def figure_link(context, count, figure, **params):
    """The count, as a link to the youths behind it for roles that may see them."""
    if not context.get("can_drill") or count is None:
        return count if count is not None else "–"
    # An overview holds a hundred links: the list's address and the scope's part of the
    # query are built once per page (reversing a URL is most of a link's cost).
    prefix = context.render_context.get(_LINK_PREFIX)
    if prefix is None:
        prefix = context.render_context[_LINK_PREFIX] = (
            f"{reverse('youths:list')}?{urlencode(context.get('drill_base') or {})}"
        )
    query = {"figur": figure}
    query.update({key: value for key, value in params.items() if value not in (None, "")})
    separator = "&" if prefix[-1] != "?" else ""
    return format_html('<a href="{}{}{}">{}</a>', prefix, separator, urlencode(query), count)


@register.filter
def percent_of(part, whole):
    if not whole:
        return "–"
    return f"{round(100 * part / whole)} %"


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "")
