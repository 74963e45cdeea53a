"""Chinese number format as statistical tables print it: 3,102,750.00 (Django's default for
zh_Hans groups by four digits with no separator). Applies where a template asks for grouping
(``floatformat:"2g"``); years and codes stay ungrouped."""

from django.conf.locale.zh_Hans.formats import *  # noqa: F403

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
