from django.urls import path

from dashboards import views

# no namespace: ``home`` is the portal's home page
urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/<slug:panel>/export/", views.panel_export, name="dashboard_export"),
]
