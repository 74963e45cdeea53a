from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TargetKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Key emitter")
    AGENCY = "agency", _("Verification agency")


class PlanTargets(models.TextChoices):
    ENTERPRISES = "enterprises", _("Key emitters")
    AGENCIES = "agencies", _("Verification agencies")
    BOTH = "both", _("Key emitters and agencies")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("inspection plan status", "Draft")
    DRAWN = "drawn", pgettext_lazy("inspection plan status", "Drawn")
    PUBLISHED = "published", pgettext_lazy("inspection plan status", "Published")


class InspectorKind(models.TextChoices):
    BUREAU = "bureau", _("Bureau staff")
    COUNTY = "county", _("County / park staff")
    EXPERT = "expert", _("Outside expert")


class ExclusionReason(models.TextChoices):
    RECENTLY_INSPECTED = "recently_inspected", _("Inspected within the last months set by the plan")
    OWN_AREA = "own_area", _("The inspector's own area of work")
    CONFLICT = "conflict", _("Declared conflict of interest")


class InspectionTrigger(models.TextChoices):
    PLAN = "plan", _("Random inspection plan")
    COMPLAINT = "complaint", _("Complaint or report")
    DATA_ANOMALY = "data_anomaly", _("Data anomaly")
    OTHER = "other", pgettext_lazy("inspection trigger", "Other")


class InspectionStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("inspection status", "Open")
    RECTIFYING = "rectifying", _("Rectification under way")
    CLOSED = "closed", pgettext_lazy("inspection status", "Closed")


class Conclusion(models.TextChoices):
    NO_PROBLEM = "no_problem", _("No problem found")
    RECTIFY = "rectify", _("Rectification ordered")
    VIOLATION = "violation", _("Violation found")


class CheckResult(models.TextChoices):
    OK = "ok", _("Conforms")
    PROBLEM = "problem", _("Problem found")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class RectificationStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting the answer")
    ANSWERED = "answered", _("Answered, under review")
    ACCEPTED = "accepted", _("Accepted")


class AnswerDecision(models.TextChoices):
    ACCEPTED = "accepted", pgettext_lazy("rectification answer", "Accepted")
    RETURNED = "returned", pgettext_lazy("rectification answer", "Returned")


# --- violation cases (Interim Regulations Art. 21–23) ------------------------------------------


class ViolationArticle(models.TextChoices):
    ART_21 = "21", _("Art. 21: failure to report or keep ledgers")
    ART_22 = "22", _("Art. 22: falsified or concealed data")
    ART_23 = "23", _("Art. 23: agency's false or untrue verification")


class PenaltyKind(models.TextChoices):
    FINE = "fine", _("Fine (CNY)")
    GAINS_MULTIPLE = "gains_multiple", _("Fine as a multiple of illegal gains")
    PERSON_FINE = "person_fine", _("Fine of each responsible person (CNY)")
    ALLOCATION_CUT = "allocation_cut", _("Cut of next year's allocation (%)")
    BAN_YEARS = "ban_years", _("Ban on the business (years)")


class CaseStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("violation case status", "Open")
    DECIDED = "decided", pgettext_lazy("violation case status", "Decided")
    REFERRED = "referred", _("Referred to the region")
    CLOSED = "closed", pgettext_lazy("violation case status", "Closed")


class Department(models.TextChoices):
    MARKET_REGULATION = "market_regulation", _("Market regulation")
    PUBLIC_SECURITY = "public_security", _("Public security")
    STATISTICS = "statistics", _("Statistics")
    DEVELOPMENT_REFORM = "development_reform", _("Development and reform")
    OTHER = "other", pgettext_lazy("department", "Other")
