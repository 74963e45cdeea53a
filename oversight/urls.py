from django.urls import path

from oversight.views import checklist, inspections, inspectors, performance, plans, violations

app_name = "oversight"

urlpatterns = [
    # inspection plans and their draws (oversight/views/plans.py)
    path("plans/", plans.plan_list, name="plan_list"),
    path("plans/export/", plans.plan_export, name="plan_export"),
    path("plans/new/", plans.plan_create, name="plan_create"),
    path("plans/<int:pk>/", plans.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", plans.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/draw/", plans.plan_draw, name="plan_draw"),
    path("plans/<int:pk>/publish/", plans.plan_publish, name="plan_publish"),
    path("plans/<int:pk>/rerun/", plans.plan_rerun, name="plan_rerun"),
    path("plans/<int:pk>/targets/export/", plans.plan_targets_export, name="plan_targets_export"),
    # inspections (oversight/views/inspections.py)
    path("inspections/", inspections.inspection_list, name="inspection_list"),
    path("inspections/export/", inspections.inspection_export, name="inspection_export"),
    path("inspections/new/", inspections.inspection_open, name="inspection_open"),
    path("inspections/<int:pk>/", inspections.inspection_detail, name="inspection_detail"),
    path("inspections/<int:pk>/record/", inspections.inspection_record, name="inspection_record"),
    path("inspections/<int:pk>/findings/new/", inspections.finding_add, name="finding_add"),
    path("inspections/<int:pk>/conclude/", inspections.inspection_conclude,
         name="inspection_conclude"),
    path("inspections/<int:pk>/rectification/answer/", inspections.rectification_answer,
         name="rectification_answer"),
    path("inspections/<int:pk>/rectification/review/", inspections.rectification_review,
         name="rectification_review"),
    path("evidence/<int:pk>/", inspections.evidence_download, name="evidence_download"),
    # the inspector directory (oversight/views/inspectors.py)
    path("inspectors/", inspectors.inspector_list, name="inspector_list"),
    path("inspectors/export/", inspectors.inspector_export, name="inspector_export"),
    path("inspectors/new/", inspectors.inspector_create, name="inspector_create"),
    path("inspectors/<int:pk>/", inspectors.inspector_detail, name="inspector_detail"),
    path("inspectors/<int:pk>/edit/", inspectors.inspector_edit, name="inspector_edit"),
    path("inspectors/<int:pk>/conflicts/new/", inspectors.conflict_create,
         name="conflict_create"),
    path("conflicts/<int:pk>/withdraw/", inspectors.conflict_withdraw, name="conflict_withdraw"),
]

# violation cases (oversight/views/violations.py)
urlpatterns += [
    path("violations/", violations.violation_list, name="violation_list"),
    path("violations/export/", violations.violation_export, name="violation_export"),
    path("violations/new/", violations.violation_open, name="violation_open"),
    path("violations/<int:pk>/", violations.violation_detail, name="violation_detail"),
    path("violations/<int:pk>/evidence/new/", violations.violation_evidence_add,
         name="violation_evidence_add"),
    path("violations/<int:pk>/persons/new/", violations.violation_person_add,
         name="violation_person_add"),
    path("violations/<int:pk>/departments/new/", violations.violation_department_add,
         name="violation_department_add"),
    path("violations/<int:pk>/decide/", violations.violation_decide, name="violation_decide"),
    path("violations/<int:pk>/refer/", violations.violation_refer, name="violation_refer"),
    path("violations/<int:pk>/close/", violations.violation_close, name="violation_close"),
    path("violations/<int:pk>/referral/", violations.violation_referral_export,
         name="violation_referral_export"),
    path("violations/<int:pk>/decision-file/", violations.violation_decision_file,
         name="violation_decision_file"),
    path("violation-evidence/<int:pk>/", violations.violation_evidence_download,
         name="violation_evidence_download"),
    path("penalty-ranges/", violations.penalty_range_list, name="penalty_range_list"),
    path("penalty-ranges/new/", violations.penalty_range_create, name="penalty_range_create"),
]

# agency performance, the league table (oversight/views/performance.py)
urlpatterns += [
    path("performance/", performance.league, name="performance"),
    path("performance/export/", performance.league_export, name="performance_export"),
]

# the inspection checklist (oversight/views/checklist.py)
urlpatterns += [
    path("checklist/", checklist.checklist, name="checklist"),
    path("checklist/export/", checklist.checklist_export, name="checklist_export"),
    path("checklist/new/", checklist.checklist_create, name="checklist_create"),
    path("checklist/<int:pk>/edit/", checklist.checklist_edit, name="checklist_edit"),
    path("checklist/<int:pk>/move/", checklist.checklist_move, name="checklist_move"),
    path("checklist/<int:pk>/active/", checklist.checklist_active, name="checklist_active"),
]
