"""Pages of the programme's finance topic: the climate-finance project library
(``finance_projects``); the allowance pledges are pages of the allowances app."""

from django.urls import path

from programme.views import finance_projects as v

urlpatterns: list = [
    path("finance/projects/", v.project_list, name="climate_project_list"),
    path("finance/projects/export/", v.project_export, name="climate_project_export"),
    path("finance/projects/new/", v.project_new, name="climate_project_new"),
    path("finance/projects/<int:pk>/", v.project_detail, name="climate_project_detail"),
    path("finance/projects/<int:pk>/edit/", v.project_edit, name="climate_project_edit"),
    path("finance/projects/<int:pk>/submit/", v.project_submit, name="climate_project_submit"),
    path("finance/projects/<int:pk>/review/", v.project_review, name="climate_project_review"),
    path("finance/projects/<int:pk>/reform-review/", v.project_reform_review,
         name="climate_project_reform_review"),
    path("finance/projects/<int:pk>/push/", v.project_push, name="climate_project_push"),
    path("finance/responses/<int:pk>/", v.share_respond, name="climate_share_respond"),
    path("finance/attachments/<int:pk>/", v.attachment_download,
         name="climate_attachment_download"),
]
