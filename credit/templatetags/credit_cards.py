"""Grades and subject kinds on the credit pages, in the colours of 环发〔2013〕150号."""

from django import template
from django.utils.html import format_html

from credit.choices import Grade, SubjectKind
from credit.labels import BADGE

register = template.Library()



@register.simple_tag
def grade_badge(grade):
    if not grade:
        return "—"
    return format_html('<span class="badge {}">{}</span>', BADGE.get(grade, "text-bg-secondary"),
                       Grade(grade).label)


@register.simple_tag
def kind_label(kind):
    return SubjectKind(kind).label if kind in SubjectKind.values else kind
