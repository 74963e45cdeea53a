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
