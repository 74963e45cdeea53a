"""Grades and subject kinds on the credit pages, in the colours of 环发〔2013〕150号."""

from django import template
from django.utils.html import format_html

from credit.choices import Grade, SubjectKind

register = template.Library()

BADGE = {Grade.GREEN: "text-bg-success", Grade.BLUE: "text-bg-primary",
         Grade.YELLOW: "text-bg-warning", Grade.RED: "text-bg-danger"}


@register.simple_tag
def grade_badge(grade):
    if not grade:
        return "—"
    return format_html('<span class="badge {}">{}</span>', BADGE.get(grade, "text-bg-secondary"),
                       Grade(grade).label)


@register.simple_tag
def kind_label(kind):
    return SubjectKind(kind).label if kind in SubjectKind.values else kind
