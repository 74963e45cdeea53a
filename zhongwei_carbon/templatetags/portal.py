from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def query_replace(context, **kwargs):
    """The current query string with some parameters replaced (pagination, sorting)."""
    query = context["request"].GET.copy()
    for key, value in kwargs.items():
        query[key] = value
    return query.urlencode()


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


@register.filter(is_safe=True)
def thousands(value, places=None):
    """A figure (tonnes, yuan) with thousands separators in the active language: 20021 →
    "20,021", Decimal("1234567.5") → "1,234,567.5"; ``places`` fixes the decimals (yuan:
    ``|thousands:2`` → "1,234,567.50"). ``None`` and "" give "" (an unknown figure is blank,
    never 0); anything not a number is returned unchanged. The one filter for figures."""
    from decimal import Decimal, InvalidOperation

    from django.utils import formats

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
