"""Allowance pages. Each block belongs to one views module."""

from django.urls import path  # noqa: F401  (blocks below add paths)

app_name = "allowances"

urlpatterns = []

# --- compliance cycles and milestones (allowances/views/cycles.py) ---
# --- accounts, balances and ledger entries (allowances/views/accounts.py) ---
# --- surrender requests, four eyes (allowances/views/surrender.py) ---
# --- compliance status and rates (allowances/views/compliance.py) ---
