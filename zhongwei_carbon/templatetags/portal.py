from decimal import Decimal, InvalidOperation

from django import template
from django.core.paginator import Paginator
from django.utils import formats
from django.utils.html import format_html
from django.utils.translation import gettext as _

from zhongwei_carbon import sorting

register = template.Library()


@register.simple_tag(takes_context=True)
def query_replace(context, **kwargs):
    """The current query string with some parameters replaced (pagination, sorting)."""
    query = context["request"].GET.copy()
    for key, value in kwargs.items():
        query[key] = value
    return query.urlencode()


@register.simple_tag(takes_context=True)
def page_query(context, number, param=""):
    """The current query string with the page number ``param`` (default ``page``) set to
    ``number`` (``includes/pagination.html``)."""
    return query_replace(context, **{param or "page": number})


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def person(user):
    """A user by name (full name, else username; 系统 for none)."""
    from zhongwei_carbon import display

    return display.person(user)


@register.filter
def reference(text):
    """A ledger reference in words (``final_allocation:2025`` → 2025年度核定配额)."""
    from zhongwei_carbon import display

    return display.reference(text)


@register.simple_tag(takes_context=True)
def sort_header(context, key, label, css=""):
    """A sortable column header: a link that sorts by ``key`` ascending, or descending when
    the list is already sorted ascending by it; an arrow shows the current order. The other
    parameters (filters) are kept, the page goes back to the first."""
    query = context["request"].GET.copy()
    current = query.get(sorting.PARAM, "")
    if current == key:
        state, target, arrow = "ascending", f"-{key}", "bi-caret-up-fill"
    elif current == f"-{key}":
        state, target, arrow = "descending", key, "bi-caret-down-fill"
    else:
        state, target, arrow = "none", key, ""
    query[sorting.PARAM] = target
    query.pop("page", None)
    title = _("Sort by %(column)s") % {"column": label}
    icon = format_html(' <i class="bi {}" aria-hidden="true"></i>', arrow) if arrow else ""
    return format_html(
        '<th class="{}" aria-sort="{}" data-sort="{}"><a class="link-dark text-decoration-none" '
        'href="?{}" title="{}">{}{}</a></th>',
        css, state, key, query.urlencode(), title, label, icon,
    )


@register.filter
def page_numbers(page_obj):
    """The page numbers to show around the current page (``…`` where pages are left out)."""
    return page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1)


@register.filter
def is_ellipsis(value):
    return value == Paginator.ELLIPSIS


@register.filter(is_safe=True)
def thousands(value, places=None):
    """A figure (tonnes, yuan) with thousands separators in the active language: 20021 →
    "20,021", Decimal("1234567.5") → "1,234,567.5"; ``places`` fixes the decimals (yuan:
    ``|thousands:2`` → "1,234,567.50"). ``None`` and "" give "" (an unknown figure is blank,
    never 0); anything not a number is returned unchanged. The one filter for figures."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return value
    try:
        number = value if isinstance(value, int | Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return value
    decimal_pos = None if places in (None, "") else int(places)
    if decimal_pos is not None:
        number = Decimal(number).quantize(Decimal(1).scaleb(-decimal_pos))
    return formats.number_format(number, decimal_pos, use_l10n=True, force_grouping=True)
