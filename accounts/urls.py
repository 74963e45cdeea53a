from django.contrib.auth import views as auth_views
from django.urls import path

app_name = "accounts"

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]

# --- user and membership management (accounts/views.py) ---
from accounts import views  # noqa: E402

urlpatterns += [
    path("users/", views.user_list, name="user_list"),
    path("users/export/", views.user_export, name="user_export"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/enterprises/", views.enterprise_lookup, name="enterprise_lookup"),
    path("users/<int:pk>/", views.user_detail, name="user_detail"),
    path("users/<int:pk>/edit/", views.user_edit, name="user_edit"),
    path("users/<int:pk>/deactivate/", views.user_deactivate, name="user_deactivate"),
    path("users/<int:pk>/activate/", views.user_activate, name="user_activate"),
    path("users/<int:pk>/memberships/new/", views.membership_add, name="membership_add"),
    path(
        "memberships/<int:pk>/deactivate/",
        views.membership_deactivate,
        name="membership_deactivate",
    ),
]

# --- passwords and login lockouts (accounts/security_views.py) ---
from accounts import security_views  # noqa: E402

urlpatterns += [
    path(
        "password/change/", security_views.PasswordChangeView.as_view(), name="password_change"
    ),
    path(
        "password/change/done/",
        security_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("password/reset/", security_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        security_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        security_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        security_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("lockouts/", security_views.lockout_list, name="lockout_list"),
    path("lockouts/export/", security_views.lockout_export, name="lockout_export"),
    path(
        "lockouts/<str:kind>/<path:key>/unlock/",
        security_views.lockout_unlock,
        name="lockout_unlock",
    ),
]

# --- the user's own notification settings (accounts/preference_views.py) ---
from accounts import preference_views  # noqa: E402

urlpatterns += [
    path("notification-settings/", preference_views.mail_preferences, name="mail_preferences"),
]
