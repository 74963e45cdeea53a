from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView

from zhongwei_carbon import api_docs, mail_views, views

urlpatterns = [
    path("", include("dashboards.urls")),  # home: each role's dashboard
    path("healthz/", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/<int:pk>/", views.notification_open, name="notification_open"),
    path("notifications/read-all/", views.notifications_read_all, name="notifications_read_all"),
    path("audit-trail/", views.audit_trail, name="audit_trail"),
    path("mail-failures/", mail_views.mail_failures, name="mail_failures"),
    path("mail-failures/export/", mail_views.mail_failures_export, name="mail_failures_export"),
    path("mail-failures/retry/", mail_views.mail_failures_retry_all,
         name="mail_failures_retry_all"),
    path("mail-failures/<int:pk>/retry/", mail_views.mail_failure_retry,
         name="mail_failure_retry"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("accounts/", include("accounts.urls")),
    path("registry/", include("registry.urls")),
    path("agencies/", include("verifiers.urls")),
    path("reporting/", include("reporting.urls")),
    path("allowances/", include("allowances.urls")),
    path("oversight/", include("oversight.urls")),
    path("public/disclosure/", include("reporting.public_urls")),
    path("complaints/", include("complaints.urls")),
    path("credit/", include("credit.urls")),
    path("programme/", include("programme.urls")),
    path("public/inspections/", include("oversight.public_urls")),
    path("public/complaints/", include("complaints.public_urls")),
    path("public/credit/", include("credit.public_urls")),
    path("public/programme/", include("programme.public_urls")),
    path("public/", include("registry.public_urls")),
    path("api/v1/", include("zhongwei_carbon.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", api_docs.swagger, name="api-docs"),
    path("api/redoc/", api_docs.redoc, name="api-redoc"),
    path("admin/", admin.site.urls),
]

handler400 = "zhongwei_carbon.views.bad_request"
handler403 = "zhongwei_carbon.views.permission_denied"
handler404 = "zhongwei_carbon.views.page_not_found"
