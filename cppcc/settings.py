"""Settings for the casework system: one module, every deployment difference comes from the environment.

Embedded default (no variables set): SQLite under var/, Celery on a filesystem broker under var/,
console e-mail. Production: DATABASE_URL=postgres://…, CELERY_BROKER_URL=redis://…, SECRET_KEY,
ALLOWED_HOSTS, DEBUG=false (the default) — then `manage.py check --deploy` is clean.
"""

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("CPPCC_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# The fallback key only serves the embedded demo; `check --deploy` flags it in production.
SECRET_KEY = os.environ.get("SECRET_KEY") or "django-insecure-embedded-demo-key-change-me"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "auditlog",
    "cppcc",
    "portal",
    "accounts",
    "members",
    "activities",
    "assessment",
    "proposals",
    "consultations",
    "supervision",
    "opinions",
    "reports",
    "notifications",
    "securitylog",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy, Permissions-Policy (cppcc/middleware.py).
    "cppcc.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Right after authentication, so it sees every response the later middleware and the views give:
    # refusals (also the accounts middleware's 401/403), downloads, token logins (securitylog).
    "securitylog.middleware.SecurityEventMiddleware",
    "cppcc.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Session idle/absolute timeout, then the forced password change (accounts/middleware.py).
    "accounts.middleware.SessionTimeoutMiddleware",
    "accounts.middleware.PasswordPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "cppcc.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cppcc.context_processors.navigation",
                "notifications.context_processors.unread",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Session settings for every connection (override with PG_OPTIONS). JIT compilation costs
    # ~100 ms per report query (each runs once, on a few thousand rows) and saves nothing here;
    # random_page_cost 1.1 is the usual value for SSDs and a database that fits in memory, and lets
    # the planner use the indexes for a year's rows instead of scanning whole tables (bench/README.md).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = os.environ.get(
        "PG_OPTIONS", "-c jit=off -c random_page_cost=1.1"
    )
# --- embedded SQLite under concurrent writes ---
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Parallel writers wait for each other instead of failing with "database is locked": write-ahead
    # log (readers never block the writer), every transaction takes the write lock at BEGIN (a deferred
    # one that reads first cannot wait for it later: SQLite answers SQLITE_BUSY at once), and a writer
    # waits up to SQLITE_TIMEOUT seconds for the lock (tests/cppcc/test_sqlite_concurrency.py).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": int(os.environ.get("SQLITE_TIMEOUT", 20)),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # 3 of 4 character classes; the recorder notes when a password was set (expiry, forced change).
    {"NAME": "accounts.validators.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "accounts.validators.PasswordChangeRecorder"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
# Uploaded files are kept outside the web root and served only through permission-checked views.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "private"))
# Where `manage.py backup` writes when no --output is given.
BACKUP_DIR = Path(os.environ.get("BACKUP_DIR", VAR_DIR / "backups"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
ROSTER_IMPORT_MAX_BYTES = int(os.environ.get("ROSTER_IMPORT_MAX_BYTES", 5 * 1024 * 1024))

# --- proposals ------------------------------------------------------------------------------
PROPOSAL_NUMBER_FORMAT = os.environ.get("PROPOSAL_NUMBER_FORMAT", "第{number:04d}号")
PROPOSAL_REPLY_MONTHS = int(os.environ.get("PROPOSAL_REPLY_MONTHS", 3))
PROPOSAL_MAX_REPLY_MONTHS = int(os.environ.get("PROPOSAL_MAX_REPLY_MONTHS", 6))
PROPOSAL_RETURN_WORKDAYS = int(os.environ.get("PROPOSAL_RETURN_WORKDAYS", 10))
PROPOSAL_FEEDBACK_WORKDAYS = int(os.environ.get("PROPOSAL_FEEDBACK_WORKDAYS", 15))
PROPOSAL_REHANDLE_MONTHS = int(os.environ.get("PROPOSAL_REHANDLE_MONTHS", 1))
PROPOSAL_MAX_REHANDLES = int(os.environ.get("PROPOSAL_MAX_REHANDLES", 1))
PROPOSAL_ATTACHMENT_MAX_BYTES = int(os.environ.get("PROPOSAL_ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024))

# --- security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Pages send the token from the template (hx-headers), never read from the cookie by scripts.
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", 12 * 3600))
# 等保2.0 (accounts/middleware.py): a session ends after 30 idle minutes and 12 hours after login at
# the latest; a password expires after PASSWORD_MAX_AGE_DAYS (0 = never).
SESSION_IDLE_TIMEOUT = int(os.environ.get("SESSION_IDLE_TIMEOUT", 30 * 60))
SESSION_ABSOLUTE_TIMEOUT = int(os.environ.get("SESSION_ABSOLUTE_TIMEOUT", 12 * 3600))
PASSWORD_MAX_AGE_DAYS = int(os.environ.get("PASSWORD_MAX_AGE_DAYS", 90))
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 31536000))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    if env_bool("USE_X_FORWARDED_PROTO", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Login lockout (django-axes): 5 failures lock the username for 30 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", 0.5))
# --- sign-in: lockout, client address, API tokens, password reset ---
# Lock the pair (account, address): failures from one address neither lock the account for its
# holder elsewhere nor a colleague behind the same intranet address, so nobody can keep an account
# locked from afar. Failures during a lock do not extend it (the cool-off runs from the lock).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# The reverse proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated);
# empty: the header is ignored. One helper serves axes and the security log (cppcc/clientip.py).
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
AXES_CLIENT_IP_CALLABLE = "cppcc.clientip.client_ip"
# API tokens (accounts/tokens.py) end like sessions: idle and absolute lifetimes in seconds.
API_TOKEN_IDLE_TIMEOUT = int(os.environ.get("API_TOKEN_IDLE_TIMEOUT", SESSION_IDLE_TIMEOUT))
API_TOKEN_ABSOLUTE_TIMEOUT = int(os.environ.get("API_TOKEN_ABSOLUTE_TIMEOUT", SESSION_ABSOLUTE_TIMEOUT))
# A password-reset link is delivered to the account holder only and works once, for this long
# (seconds, at most 24 hours). Channels: classes of accounts/reset_channels.py (an SMS sender is
# added by naming its class here).
PASSWORD_RESET_TIMEOUT = min(int(os.environ.get("PASSWORD_RESET_TIMEOUT", 24 * 3600)), 24 * 3600)
PASSWORD_RESET_CHANNELS = env_list("PASSWORD_RESET_CHANNELS", "accounts.reset_channels.EmailChannel")
# models.W040: the covering indexes' INCLUDE columns serve PostgreSQL; the embedded SQLite simply
# builds the plain index.
SILENCED_SYSTEM_CHECKS = ["axes.W006", "models.W040"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# Personal data at rest (cppcc/crypto.py): ID and mobile numbers are stored encrypted. Comma-separated
# Fernet keys, the first encrypts and all decrypt (rotation); a separate key for the lookup hashes.
# Unset, both derive from SECRET_KEY (embedded demo only — `check --deploy` warns).
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS")
FIELD_HASH_KEY = os.environ.get("FIELD_HASH_KEY", "")

# --- e-mail ---------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 25))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "政协提案系统 <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
# The district's name in document titles (e.g. "城关区"); "XX区" until set.
CPPCC_DISTRICT = os.environ.get("CPPCC_DISTRICT", "")

# --- reminders ------------------------------------------------------------------------------
# Days before a deadline on which a reminder goes out (0 = on the day), then every N days overdue.
REMINDER_OFFSETS = tuple(int(d) for d in env_list("REMINDER_OFFSETS", "15,3,0"))
REMINDER_OVERDUE_EVERY_DAYS = int(os.environ.get("REMINDER_OVERDUE_EVERY_DAYS", 7))
# Overdue this many days: the supervising or leading leader of a key/supervised proposal is told too.
REMINDER_ESCALATE_AFTER_DAYS = int(os.environ.get("REMINDER_ESCALATE_AFTER_DAYS", 30))
REMINDER_SCAN_HOUR = int(os.environ.get("REMINDER_SCAN_HOUR", 8))
REMINDER_SCAN_MINUTE = int(os.environ.get("REMINDER_SCAN_MINUTE", 30))
# --- notice channels (notifications/channels.py) -----------------------------------------------
# Every notice (deadline reminder or hand-off) is in-app; e-mail and SMS follow each user's choices
# (/notifications/settings/), with these defaults until the user saves their own: deadline reminders
# by e-mail at once, hand-off notices in-app only. E-mail modes: off / instant / digest.
NOTIFY_DEFAULT_REMINDER_EMAIL = os.environ.get("NOTIFY_DEFAULT_REMINDER_EMAIL", "instant")
NOTIFY_DEFAULT_REMINDER_SMS = env_bool("NOTIFY_DEFAULT_REMINDER_SMS", False)
NOTIFY_DEFAULT_HANDOFF_EMAIL = os.environ.get("NOTIFY_DEFAULT_HANDOFF_EMAIL", "off")
NOTIFY_DEFAULT_HANDOFF_SMS = env_bool("NOTIFY_DEFAULT_HANDOFF_SMS", False)
# A failed e-mail or SMS is retried by its Celery task after 1, 2, 4 … minutes, then by the sweep,
# up to this many attempts in all; the office sees the failure and can retry it by hand (重试).
NOTIFY_MAX_ATTEMPTS = int(os.environ.get("NOTIFY_MAX_ATTEMPTS") or os.environ.get("REMINDER_EMAIL_MAX_ATTEMPTS", 8))
REMINDER_EMAIL_MAX_ATTEMPTS = NOTIFY_MAX_ATTEMPTS  # the former name
# The daily e-mail digest (每日汇总) goes out at this local time, one mail per user listing the notices.
NOTIFY_DIGEST_HOUR = int(os.environ.get("NOTIFY_DIGEST_HOUR", 17))
NOTIFY_DIGEST_MINUTE = int(os.environ.get("NOTIFY_DIGEST_MINUTE", 30))
# SMS quiet hours (local time, HH:MM; a user may choose their own): an SMS due inside them waits
# until they end. Equal start and end: no quiet hours.
SMS_QUIET_START = dt.time.fromisoformat(os.environ.get("SMS_QUIET_START", "22:00"))
SMS_QUIET_END = dt.time.fromisoformat(os.environ.get("SMS_QUIET_END", "07:30"))
# How SMS leave the system (notifications/sms.py): FileBackend (default: one JSON line per message in
# SMS_FILE_PATH, for development), ConsoleBackend (the log), HttpGatewayBackend (the operator's
# gateway: POST JSON {"mobile", "text", "sign"} to SMS_GATEWAY_URL with SMS_GATEWAY_TOKEN as bearer token).
SMS_BACKEND = os.environ.get("SMS_BACKEND", "notifications.sms.FileBackend")
SMS_FILE_PATH = os.environ.get("SMS_FILE_PATH", str(VAR_DIR / "sms" / "outbox.jsonl"))
SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL", "")
SMS_GATEWAY_TOKEN = os.environ.get("SMS_GATEWAY_TOKEN", "")
SMS_GATEWAY_TIMEOUT = float(os.environ.get("SMS_GATEWAY_TIMEOUT", 10))
# The signature the operator registered (短信签名): the text starts with 【SMS_SIGN】 and the gateway
# receives it as "sign".
SMS_SIGN = os.environ.get("SMS_SIGN", "区政协")

# --- Celery ---------------------------------------------------------------------------------
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or "filesystem://"
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "celery" / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "store_processed": False,
    }
else:
    # A message a worker took but never acknowledged (the worker was killed) goes back to the queue
    # after this many seconds. It must exceed the longest countdown a task is queued with (the
    # e-mail retries back off to 2**7 minutes), or Redis hands a waiting retry to a second worker.
    BROKER_VISIBILITY_TIMEOUT = int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", 3 * 3600))
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": BROKER_VISIBILITY_TIMEOUT}
# Acknowledge a task only when it has finished, and put it back when its worker dies: with the
# unique Reminder key and the idempotent e-mail delivery, a rerun never sends anything twice.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# With late acks a worker holds one message at a time, so a dead worker strands no queue of them.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_BEAT_SCHEDULE: dict = {
    "scan-deadlines": {
        "task": "notifications.scan_deadlines",
        "schedule": crontab(hour=REMINDER_SCAN_HOUR, minute=REMINDER_SCAN_MINUTE),
    },
    # Failed or never-queued e-mails and SMS of every notice, hourly.
    "retry-deliveries": {
        "task": "notifications.retry_deliveries",
        "schedule": crontab(minute=5),
    },
    # SMS held back by quiet hours go out within ten minutes of their end.
    "send-deferred-deliveries": {
        "task": "notifications.send_deferred",
        "schedule": crontab(minute="*/10"),
    },
    "send-digests": {
        "task": "notifications.send_digests",
        "schedule": crontab(hour=NOTIFY_DIGEST_HOUR, minute=NOTIFY_DIGEST_MINUTE),
    },
    "purge-audit-logs": {
        "task": "securitylog.purge",
        "schedule": crontab(hour=3, minute=45),
    },
    "clear-expired-sessions": {
        "task": "cppcc.clear_expired_sessions",
        "schedule": crontab(hour=3, minute=15),
    },
}

# --- security audit trail -------------------------------------------------------------------
# Days security events and change-log entries are kept; 网络安全法 第二十一条 requires at least six
# months, so a system check refuses less than 183. The purge job deletes only rows older than this.
AUDIT_RETENTION_DAYS = int(os.environ.get("AUDIT_RETENTION_DAYS", 183))

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: its `WWW-Authenticate: Token` header makes an anonymous call answer 401, not 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "cppcc.api.Pagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "cppcc.api.exception_handler",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "政协履职与提案管理系统 API",
    "DESCRIPTION": "CPPCC committee casework API. Authenticate with a session or `Authorization: Token …`.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Every operation also documents its error answers ({"message", "errors"}), see cppcc/openapi.py.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "cppcc.openapi.document_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ProposalStateEnum": "proposals.models.State",
        "ProposalKindEnum": "proposals.models.Proposal.Kind",
        "HandlingUnitKindEnum": "members.models.HandlingUnit.Kind",
        "MemberStatusEnum": "members.models.Member.Status",
        "ReplyStatusEnum": "proposals.models.Reply.Status",
        "ProposalRejectReasonEnum": "proposals.models.RejectReason",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # ID and mobile numbers are masked in every record that reaches a handler (request lines included).
    "filters": {"redact_personal_data": {"()": "cppcc.logging_filters.RedactPersonalData"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "server": {"()": "django.utils.log.ServerFormatter", "format": "[{server_time}] {message}", "style": "{"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact_personal_data"]},
        "server": {"class": "logging.StreamHandler", "formatter": "server", "filters": ["redact_personal_data"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Replace Django's default handlers (unfiltered console, mail_admins) with the filtered ones.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": ["server"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}
