"""Settings, read from the environment only (DESIGN.md §4.9; every variable in .env.example)."""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-insecure-key-change-me" if DEBUG else None)
if not SECRET_KEY:
    raise environ.ImproperlyConfigured("Set DJANGO_SECRET_KEY (or DJANGO_DEBUG=true for development).")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "pgtrigger",
    "axes",
    "zhongwei_carbon",
    "accounts",
    "registry",
    "verifiers",
    "reporting",
    "allowances",
    "oversight",
    "complaints",
    "credit",
    "programme",
    "dashboards",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "zhongwei_carbon.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # turns a refused login (django-axes) into the login page with the wait in words
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "zhongwei_carbon.urls"
WSGI_APPLICATION = "zhongwei_carbon.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "zhongwei_carbon.context_processors.navigation",
            ],
        },
    },
]

# PostgreSQL only (DESIGN.md §2): DATABASE_URL, or the embedded server under .pgdata/.
if env("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
else:
    from zhongwei_carbon.embedded_db import database_settings

    DATABASES = {"default": database_settings(BASE_DIR / ".pgdata")}
# Persistent connections (issue 11 §6): a gunicorn or Celery worker keeps its connection for
# this many seconds instead of opening one per request (on two cores, 60 s doubled the pages
# served per second under 20 users); the health check replaces a connection the server closed
# before a request uses it. 0 with DEBUG: the development server runs every request in a new
# thread, whose connection would never be reused. README, "Production": why no PgBouncer.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0 if DEBUG else 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# No JIT compilation of queries (issue 16): the portal's statements are short, and PostgreSQL
# compiles any whose estimated cost passes jit_above_cost: the dashboard's largest shortfalls at
# 5,000 enterprises ran 60 ms and spent 160 ms more compiling (EXPLAIN ANALYZE: "JIT").
# DATABASE_JIT=true gives the server's own choice back, e.g. for long reporting queries.
if not env.bool("DATABASE_JIT", default=False):
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "public:home"
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "full_name", "email")},
    },
    # Django's own, with its error message in the portal's catalog (Django 5.2's zh_Hans
    # catalog lacks the current wording of "too short")
    {"NAME": "accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = env.int("DJANGO_PASSWORD_RESET_TIMEOUT", default=24 * 3600)

# Failed logins (django-axes, accounts/lockouts.py): after LOGIN_FAILURE_LIMIT failures for
# one user name (known or not), or LOGIN_ADDRESS_FAILURE_LIMIT from one network address (an
# office behind one NAT address shares it: a higher limit, so that one colleague's typos do
# not lock the whole office out), logins are refused for LOGIN_COOLOFF_MINUTES after the last
# failure; bureau administrators see and lift lockouts at /accounts/lockouts/.
AUTHENTICATION_BACKENDS = [
    "accounts.backends.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = True
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_ADDRESS_FAILURE_LIMIT = env.int("LOGIN_ADDRESS_FAILURE_LIMIT", default=30)
AXES_HANDLER = "accounts.backends.LoginThrottleHandler"
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# a refused attempt during the cool-down does not start it again (the wait shown stays true)
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "accounts.lockouts.lockout_response"
AXES_CLIENT_IP_CALLABLE = "accounts.throttle.client_ip"
AXES_VERBOSE = False
AXES_DISABLE_ACCESS_LOG = True  # successful logins: User.last_login is enough
# How many reverse proxies in front of the app append to X-Forwarded-For: the client's
# address is the one the outermost of them saw. 0: REMOTE_ADDR (no proxy). Behind the TLS
# proxy of the README's production section: 1 (the default when DEBUG is off).
TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=0 if DEBUG else 1)
# Public forms (account application, password reset, complaint filing and tracking):
# submissions per address per hour; stored as a keyed hash of the address (accounts.throttle).
PUBLIC_FORM_LIMIT = env.int("PUBLIC_FORM_LIMIT", default=10)
PUBLIC_FORM_WINDOW = timedelta(hours=1)

# Complaints (Art. 18): the filer's identity and contact are encrypted at rest with this
# Fernet key (32 url-safe base64 bytes: python -c "from cryptography.fernet import Fernet;
# print(Fernet.generate_key().decode())"). Required in production; with DEBUG a key derived
# from SECRET_KEY stands in. Rotation: several keys separated by commas, the first encrypts and
# all decrypt; `manage.py rotate_complaint_keys` re-encrypts with the first, then drop the rest.
# Removing a key that still encrypts stored identities makes them unreadable.
COMPLAINTS_ENCRYPTION_KEY = env("COMPLAINTS_ENCRYPTION_KEY", default="")

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "media")))

# Uploads (DESIGN.md §4.6). UPLOAD_MAX_BYTES is the one limit of every uploaded file: every
# upload checks it (zhongwei_carbon.uploads.size_problem, whose refusal states it) and every
# file field's help text shows it (uploads.help_with_limit).
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
# A request's fields other than files: the largest form (a report line, a ledger month of 20
# lines) is a few kB; an API JSON body a few hundred.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # 2.5 MB
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000  # the largest form, a ledger month of 20 lines, has ~100
DATA_UPLOAD_MAX_NUMBER_FILES = 10  # every form takes one file
# A file up to this size is held in memory, a larger one streamed to a temporary file, of
# which no more than UPLOAD_MAX_BYTES + 1 bytes are kept (zhongwei_carbon/upload_handlers.py).
FILE_UPLOAD_MAX_MEMORY_SIZE = min(UPLOAD_MAX_BYTES, 2_621_440)
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "zhongwei_carbon.upload_handlers.BoundedTemporaryFileUploadHandler",
]
# The largest request an upload form sends: the reverse proxy in front must let it through
# (nginx: client_max_body_size, README "Production"), or the user gets the proxy's bare 413
# instead of the message that states the limit.
UPLOAD_MAX_REQUEST_BYTES = UPLOAD_MAX_BYTES + DATA_UPLOAD_MAX_MEMORY_SIZE

REST_FRAMEWORK = {
    # Token first: its authenticate_header makes DRF answer a missing or invalid credential
    # with 401 and `WWW-Authenticate: Token` (with the session first, DRF turns every 401
    # into a 403 without a challenge). A logged-in browser session works as before.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "zhongwei_carbon.api_renderers.BrowsableAPIRenderer",  # its pages' CSP allows inline styles
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "zhongwei_carbon.api.AutoSchema",
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Zhongwei carbon-market portal API",
    "DESCRIPTION": "中卫市碳排放权交易管理平台 API v1",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "AreaKindEnum": "registry.choices.AreaKind",
        "FactorKindEnum": "reporting.choices.FactorKind",
        "QualificationKindEnum": "verifiers.choices.QualificationKind",
        # reporting API
        "RecheckDecisionEnum": "reporting.choices.RecheckDecision",
        "ConclusionEnum": "reporting.choices.Conclusion",
        "CountyDecisionEnum": "reporting.api.serializers.CountyDecision",
        # a report's status: the report and the assignment's answer (with its advisories)
        "ReportStatusEnum": "reporting.choices.ReportStatus",
        "AdvisoryLevelEnum": "zhongwei_carbon.advisories.LEVELS",
        # oversight API
        "InspectionPlanStatusEnum": "oversight.choices.PlanStatus",
        "InspectionStatusEnum": "oversight.choices.InspectionStatus",
        "InspectionConclusionEnum": "oversight.choices.Conclusion",
        "RectificationStatusEnum": "oversight.choices.RectificationStatus",
        "ViolationCaseStatusEnum": "oversight.choices.CaseStatus",
        "ViolationArticleEnum": "oversight.choices.ViolationArticle",
        # complaints API
        "ComplaintStatusEnum": "complaints.choices.Status",
        "ComplaintTargetKindEnum": "complaints.choices.TargetKind",
        "TargetKindEnum": "oversight.choices.TargetKind",
        "ComplaintCategoryEnum": "complaints.choices.Category",
        "ComplaintOutcomeEnum": "complaints.choices.Outcome",
        # credit API: rule sets
        "CreditRuleSetStatusEnum": "credit.choices.RuleSetStatus",
        "CreditEventKindEnum": "credit.choices.EventKind",
        "CreditGradeEnum": "credit.choices.Grade",
    },
}

# Celery (DESIGN.md §2): no broker configured means tasks run eagerly in-process.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=None)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
# Celery beat (the compose `beat` service): the complaint channel's throttle rows (a keyed hash
# of an address and a time) are deleted every quarter hour once past PUBLIC_FORM_WINDOW.
CELERY_BEAT_SCHEDULE = {
    "complaints-purge-throttles": {"task": "complaints.purge_throttles", "schedule": 15 * 60},
    # credit events of deadlines passed (late or missing reports and ledgers, surrender
    # results, Art. 24 not corrected); idempotent, so a missed or repeated run is harmless
    "credit-sweep-deadlines": {"task": "credit.sweep_deadlines",
                               "schedule": crontab(hour=2, minute=10)},
    # deadline reminders (ledgers, annual reports, surrender) every morning; idempotent
    "core-send-reminders": {"task": "core.send_reminders",
                            "schedule": crontab(hour=7, minute=30)},
    # the daily e-mail digest (users who chose it for a topic); at most one mail a day each
    "core-send-digests": {"task": "core.send_digests", "schedule": crontab(hour=18, minute=0)},
}
# days after a deadline (counted like the kind's offsets) when an item still not done is
# escalated to the area's officials and to the bureau (reminders.rules.OffsetRule)
REMINDER_ESCALATION_DAYS = env.int("REMINDER_ESCALATION_DAYS", default=3)

# E-mail (password reset, notifications): printed to the console unless a backend is configured; the tests
# use Django's locmem backend (mail.outbox).
EMAIL_BACKEND = env(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="noreply@zhongwei.invalid")
EMAIL_HOST = env("DJANGO_EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("DJANGO_EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("DJANGO_EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("DJANGO_EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("DJANGO_EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("DJANGO_EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.int("DJANGO_EMAIL_TIMEOUT", default=10)
# The portal's address as users reach it: the links in notification e-mails are absolute.
PORTAL_URL = env("DJANGO_PORTAL_URL", default="http://127.0.0.1:8000")
# the file backend's folder (DJANGO_EMAIL_BACKEND=django.core.mail.backends.filebased...)
EMAIL_FILE_PATH = env("DJANGO_EMAIL_FILE_PATH", default=str(BASE_DIR / "var" / "mail"))

# Production hardening: on unless DEBUG; `manage.py check --deploy` stays silent.
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_AGE", default=8 * 3600)

# Content-Security-Policy (django-csp; Django 6.0 has the same built in). Scripts and styles
# only from our own static files: no inline <script>, no on*= handler, no style= attribute in
# any template (tests/core/test_csp.py scans them; the browser tests fail on any violation).
# Data goes to scripts through json_script (type="application/json", not executed). The API
# docs pages relax only what their vendored bundles need (zhongwei_carbon/api_docs.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="WARNING")},
}

FORMAT_MODULE_PATH = ["zhongwei_carbon.formats"]
