from django.urls import path

from complaints.views import handling as v

app_name = "complaints"

urlpatterns = [
    path("", v.complaint_list, name="complaint_list"),
    path("export/", v.complaint_export, name="complaint_export"),
    path("statistics/", v.complaint_statistics, name="complaint_statistics"),
    path("statistics/export/", v.complaint_statistics_export, name="complaint_statistics_export"),
    path("<int:pk>/", v.complaint_detail, name="complaint_detail"),
    path("<int:pk>/accept/", v.complaint_accept, name="complaint_accept"),
    path("<int:pk>/reject/", v.complaint_reject, name="complaint_reject"),
    path("<int:pk>/merge/", v.complaint_merge, name="complaint_merge"),
    path("<int:pk>/official/", v.complaint_official, name="complaint_official"),
    path("<int:pk>/assign/", v.complaint_assign, name="complaint_assign"),
    path("<int:pk>/notes/", v.complaint_findings, name="complaint_findings"),
    path("<int:pk>/reply/", v.reply_draft, name="reply_draft"),
    path("<int:pk>/reply/return/", v.reply_return, name="reply_return"),
    path("<int:pk>/reply/approve/", v.reply_approve, name="reply_approve"),
    path("<int:pk>/identity/", v.complaint_identity, name="complaint_identity"),
    path("attachments/<int:pk>/", v.attachment_download, name="attachment_download"),
]
