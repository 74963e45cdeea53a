"""Words for what the pure scoring returns: why an event on a card moved the score or not."""

from django.utils.translation import gettext_lazy as _

from credit import rules
from credit.choices import Grade

OUTCOMES = {
    rules.PRICED: _("Priced by the rule line"),
    rules.NOT_PRICED: _("Not priced: the rule set has no line for this kind of event"),
    rules.BELOW_THRESHOLD: _("Below the line's threshold: not priced"),
    rules.BEFORE_OCCURRENCE: _("Before the occurrence from which the line prices: not priced"),
    rules.EXPIRED: _("Expired: the line counts it for fewer years"),
    rules.REPAIRED: _("Repaired: an approved credit repair took it out"),
}


def outcome(value: str) -> str:
    return str(OUTCOMES.get(value, value))


# The Bootstrap colour of each grade's badge (shown with the grade's words, never alone).
BADGE = {Grade.GREEN: "text-bg-success", Grade.BLUE: "text-bg-primary",
         Grade.YELLOW: "text-bg-warning", Grade.RED: "text-bg-danger"}
