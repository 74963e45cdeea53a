"""Pages of the programme's targets topic: the 2025 targets and the city's statistics
(``targets_stats``) and the sectors' national-market coverage (``coverage``)."""

from django.urls import path

from programme.views import coverage, targets_stats

urlpatterns: list = [
    path("targets/", targets_stats.target_index, name="target_index"),
    path("targets/export/", targets_stats.target_export, name="target_export"),
    path("targets/new/", targets_stats.statistic_create, name="statistic_create"),
    path("targets/<int:year>/", targets_stats.statistic_detail, name="statistic_detail"),
    path("targets/<int:year>/revise/", targets_stats.statistic_revise, name="statistic_revise"),
    path("coverage/", coverage.coverage, name="coverage"),
    path("coverage/export/", coverage.coverage_export, name="coverage_export"),
    path("coverage/sectors/<int:pk>/", coverage.sector_entry_edit, name="sector_entry_edit"),
]
