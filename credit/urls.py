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
