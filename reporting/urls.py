"""Reporting pages. Each block belongs to one views module."""

from django.urls import path  # noqa: F401  (blocks below add paths)

app_name = "reporting"

urlpatterns = []

# --- factor tables and holiday calendar (reporting/views/factors.py) ---
# --- monthly ledgers (reporting/views/ledgers.py) ---
# --- annual reports: form, Excel, submit, county check (reporting/views/reports.py) ---
# --- verification, re-check, findings, objections (reporting/views/verification.py) ---
