from django.urls import path

from credit.views import cards, partners, rulesets, whatif

app_name = "credit"

urlpatterns = [
    # --- credit: use of grades ---
    path("partners/export/", partners.partners_export, name="partners_export"),
    # --- end credit: use of grades ---
    # --- credit: rule sets and score cards ---
    path("rules/", rulesets.rule_set_list, name="rule_set_list"),
    path("rules/new/", rulesets.rule_set_create, name="rule_set_create"),
    path("rules/<int:pk>/", rulesets.rule_set_detail, name="rule_set_detail"),
    path("rules/<int:pk>/edit/", rulesets.rule_set_edit, name="rule_set_edit"),
    path("rules/<int:pk>/delete/", rulesets.rule_set_delete, name="rule_set_delete"),
    path("rules/<int:pk>/publish/", rulesets.rule_set_publish, name="rule_set_publish"),
    path("rules/<int:pk>/export/", rulesets.rule_set_export, name="rule_set_export"),
    path("rules/<int:pk>/what-if/", whatif.rule_set_what_if, name="rule_set_what_if"),
    path("rules/<int:pk>/what-if/export/", whatif.rule_set_what_if_export,
         name="rule_set_what_if_export"),
    path("cards/", cards.score_list, name="score_list"),
    path("cards/export/", cards.score_export, name="score_export"),
    path("cards/<str:kind>/<int:pk>/<int:year>/", cards.card_detail, name="card"),
    # --- end credit: rule sets and score cards ---
]

# --- credit: years, grades, objections, repairs (credit/views/years.py, objections.py,
# repair.py) ---
from credit.views import objections as objection_views  # noqa: E402
from credit.views import repair as repair_views  # noqa: E402
from credit.views import years as year_views  # noqa: E402

urlpatterns += [
    path("years/", year_views.year_list, name="year_list"),
    path("years/open/", year_views.year_open, name="year_open"),
    path("years/<int:year>/", year_views.year_detail, name="year_detail"),
    path("years/<int:year>/freeze/", year_views.year_freeze, name="year_freeze"),
    path("years/<int:year>/publish/", year_views.year_publish, name="year_publish"),
    path("years/<int:year>/grades/", year_views.year_grades, name="year_grades"),
    path("years/<int:year>/grades/export/", year_views.year_export, name="year_export"),
    path("grades/", year_views.grade_index, name="grade_index"),
    path("years/grades/<int:pk>/", year_views.grade_detail, name="grade_detail"),
    path("my/", year_views.my_credit, name="my_credit"),
    path("objections/", objection_views.objection_list, name="objection_list"),
    path("objections/export/", objection_views.objection_export, name="objection_export"),
    path("objections/<int:pk>/", objection_views.objection_detail, name="objection_detail"),
    path("objections/<int:pk>/file/", objection_views.objection_file, name="objection_file"),
    path("objections/<int:pk>/decide/", objection_views.objection_decide,
         name="objection_decide"),
    path("objections/new/<int:grade_pk>/<int:event_pk>/", objection_views.objection_new,
         name="objection_new"),
    path("repairs/", repair_views.repair_list, name="repair_list"),
    path("repairs/export/", repair_views.repair_export, name="repair_export"),
    path("repairs/<int:pk>/", repair_views.repair_detail, name="repair_detail"),
    path("repairs/<int:pk>/file/", repair_views.repair_file, name="repair_file"),
    path("repairs/<int:pk>/decide/", repair_views.repair_decide, name="repair_decide"),
    path("repairs/new/<int:event_pk>/", repair_views.repair_new, name="repair_new"),
]
# --- end credit: years, grades, objections, repairs ---
# --- credit events (credit/views/events.py) ---
from credit.views import events as event_views  # noqa: E402

urlpatterns += [
    path("events/", event_views.event_list, name="event_list"),
    path("events/export/", event_views.event_export, name="event_export"),
    path("events/new/", event_views.event_new, name="event_new"),
    path("events/<int:pk>/", event_views.event_detail, name="event_detail"),
    path("events/<int:pk>/evidence/", event_views.event_evidence, name="event_evidence"),
    path("events/<int:pk>/confirm/", event_views.event_confirm, name="event_confirm"),
    path("events/<int:pk>/refuse/", event_views.event_refuse, name="event_refuse"),
]
# --- end credit events ---
