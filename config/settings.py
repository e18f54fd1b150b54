"""Zeren settings: one module, driven by the environment.

Two profiles share this file. The embedded default (no variables set) runs on an
SQLite file under var/, with Celery on a filesystem broker and e-mail printed to
the console. Production (DJANGO_ENV=production) refuses to start without its
secrets and uses PostgreSQL, Redis and SMTP.
"""

import json
import re
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("ZEREN_VAR_DIR", str(BASE_DIR / "var")))

DJANGO_ENV = env_str("DJANGO_ENV", "development")
PRODUCTION = DJANGO_ENV == "production"
SECRET_KEY_MIN_LENGTH = 32

if PRODUCTION:
    SECRET_KEY = env_str("SECRET_KEY", required=True)
    if len(SECRET_KEY) < SECRET_KEY_MIN_LENGTH:
        raise ImproperlyConfigured(
            f"环境变量 SECRET_KEY 过短（{len(SECRET_KEY)} 个字符）：生产环境至少需要 {SECRET_KEY_MIN_LENGTH} 个字符的"
            "随机字符串，例如 python -c \"import secrets; print(secrets.token_urlsafe(50))\" 的输出。"
        )
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", required=True)
    DATABASES = {"default": dj_database_url.parse(env_str("DATABASE_URL", required=True))}
    DEBUG = False
else:
    # A fixed, clearly non-secret key: sessions survive restarts of `make run`.
    SECRET_KEY = env_str("SECRET_KEY", "zeren-development-key-not-for-production")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
    DATABASES = {
        "default": dj_database_url.parse(
            env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'zeren.sqlite3'}")
        )
    }
    # Off unless asked (ZEREN_DEBUG=1 or DEBUG=1): `make run` shows the app's own 404/403/500
    # pages, never Django's technical pages with the URL list. WhiteNoise serves static files either way.
    DEBUG = env_bool("ZEREN_DEBUG", env_bool("DEBUG", False))

DATABASES["default"]["CONN_MAX_AGE"] = env_int("DB_CONN_MAX_AGE", 60 if PRODUCTION else 0)
# A persistent connection broken by a database restart is replaced at the next request, not reused.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # An unreachable server fails a request within seconds (a 503 page, config/errors.py), not minutes.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", env_int("DB_CONNECT_TIMEOUT", 5))
DATABASES["default"].setdefault("TEST", {})
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # IMMEDIATE: a transaction takes SQLite's write lock when it begins, so the embedded default
    # serializes read-check-write sequences (signing, claims) the way row locks do on PostgreSQL.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20, "transaction_mode": "IMMEDIATE"})

CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "guardian",
    "treebeard",
    "django_htmx",
    "csp",
    "responsibilities",
    "reporting",
    "accountability",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.middleware.SessionLifetimeMiddleware",
    "config.middleware.NoStoreForUsersMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "django.template.context_processors.i18n",
                "responsibilities.context_processors.current_user",
                "accountability.workplace.context_processors.inspector",
            ],
        },
    },
]

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# Zeren keeps no anonymous user row: every page but login and /healthz needs an account.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
if not PRODUCTION:
    # The embedded default keeps its database, queue and static root under var/.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = not PRODUCTION
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Uploaded evidence lives outside the web root and is served only by permission-checked views.
MEDIA_ROOT = Path(env_str("ZEREN_UPLOAD_DIR", str(VAR_DIR / "uploads")))
# No URL serves MEDIA_ROOT (downloads go through permission-checked views); Django still
# wants a string here (its live test server parses it).
MEDIA_URL = "/__uploads_are_not_served__/"
UPLOAD_MAX_BYTES = env_int("ZEREN_UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = 20
# The first handler stops receiving a file once it passes UPLOAD_MAX_BYTES (responsibilities/uploads.py);
# Django's own handlers after it keep small files in memory and write larger ones to a temporary file.
FILE_UPLOAD_HANDLERS = [
    "responsibilities.work.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis, when configured, carries the Celery broker and the cache; otherwise the
# embedded default keeps both on this machine (a filesystem broker under var/).
REDIS_URL = env_str("REDIS_URL")
if PRODUCTION and not REDIS_URL:
    REDIS_URL = env_str("REDIS_URL", required=True)

if REDIS_URL:
    # Neither a down nor a hung Redis may take a request with it (issue #11): the cache answers
    # from local memory while Redis fails (config/cache.py); publishing a task gives up within
    # about a second, and the job waits in its row (responsibilities/jobs.py: the outbox).
    CACHES = {"default": {"BACKEND": "config.cache.FailSafeRedisCache", "LOCATION": REDIS_URL}}
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict = {
        "socket_timeout": 1, "socket_connect_timeout": 1, "max_retries": 0,
        "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "filesystem://"
    _queue_dir = VAR_DIR / "celery" / "queue"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True  # a task whose worker died is delivered again
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_TASK_PUBLISH_RETRY = False
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 0}
# /readyz fails when beat's last heartbeat (responsibilities/heartbeat.py) is older than this.
READYZ_BEAT_MAX_AGE = env_int("READYZ_BEAT_MAX_AGE", 300)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celery" / "beat-schedule")

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "zeren@localhost")
# Links in e-mails point here: a production deployment must say where it is reached.
ZEREN_BASE_URL = env_str("ZEREN_BASE_URL", required=True) if PRODUCTION else env_str(
    "ZEREN_BASE_URL", "http://127.0.0.1:8000"
)
if not ZEREN_BASE_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured(
        f"环境变量 ZEREN_BASE_URL 应为以 https:// 或 http:// 开头的完整地址，当前为 {ZEREN_BASE_URL!r}。"
    )
# Days before a deadline on which reminders go out (moved to the previous working day on a rest day).
ZEREN_REMINDER_DAYS = [int(d) for d in env_list("ZEREN_REMINDER_DAYS", ["14", "7", "3", "1"])]
# The inspector's 补录 flag (accountability/flags.py): a meeting record entered more than this many
# days after the meeting (登记日期 − 会议日期, calendar days, Beijing time).
ZEREN_LATE_ENTRY_DAYS = env_int("ZEREN_LATE_ENTRY_DAYS", 15)
# The largest evidence bundle an inspector may build (accountability/workplace/services.py), in bytes.
ZEREN_BUNDLE_MAX_BYTES = env_int("ZEREN_BUNDLE_MAX_BYTES", 512 * 1024 * 1024)
# Excel imports with more data rows than this run as a background job with a progress page
# (responsibilities/importing/background.py); smaller ones are imported within the request.
ZEREN_IMPORT_BACKGROUND_ROWS = env_int("ZEREN_IMPORT_BACKGROUND_ROWS", 100)
# Accountability cases: how many levels up the deciding authority sits (1: the subject's parent committee,
# which holds 干部管理权限, 000 第十四条), and the days after a decision by which it is filed (备案) upward.
ZEREN_CASE_AUTHORITY_LEVELS = env_int("ZEREN_CASE_AUTHORITY_LEVELS", 1)
ZEREN_CASE_FILING_DAYS = env_int("ZEREN_CASE_FILING_DAYS", 30)
# Draft PDF previews (reporting/previews.py): a draft with more paragraphs or characters than these is
# rendered in the background (a job with a progress page) instead of inside the request. WeasyPrint
# takes about 1 s per 1,000 characters here (60 paragraphs, 19,800 characters: 19.6 s).
ZEREN_PREVIEW_BACKGROUND_BLOCKS = env_int("ZEREN_PREVIEW_BACKGROUND_BLOCKS", 40)
ZEREN_PREVIEW_BACKGROUND_CHARS = env_int("ZEREN_PREVIEW_BACKGROUND_CHARS", 6_000)
# The report editor posts three fields per paragraph, up to 400 paragraphs (reporting/reports/services.py).
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1_500
# Where an inspect-only user lands after login and from the home link (config/home.py): a URL name.
ZEREN_INSPECTOR_HOME = "accountability:workplace_home"

# Fonts of the GB/T 9704 PDFs (reporting/pdf.py), by role: title 小标宋, body 仿宋, heiti 黑体,
# kaiti 楷体, songti 宋体 (page numbers). Each is a fontconfig family, with ":bold" for the bold
# face, or the path of a font file (an organization's licensed 方正小标宋 / 仿宋_GB2312). The free
# defaults come from Debian (fonts-noto-cjk, fonts-arphic-ukai); the environment variable
# ZEREN_PDF_FONTS, a JSON object, overrides some or all roles.
ZEREN_PDF_FONTS = {
    "title": "Noto Serif CJK SC:bold",
    "body": "Noto Serif CJK SC",
    "heiti": "Noto Sans CJK SC",
    "kaiti": "AR PL UKai CN",
    "songti": "Noto Serif CJK SC",
}
try:
    _pdf_fonts = json.loads(env_str("ZEREN_PDF_FONTS", "{}"))
except ValueError as exc:
    raise ImproperlyConfigured(f"环境变量 ZEREN_PDF_FONTS 不是合法的 JSON：{exc}") from exc
if not isinstance(_pdf_fonts, dict) or set(_pdf_fonts) - set(ZEREN_PDF_FONTS):
    raise ImproperlyConfigured(
        f"环境变量 ZEREN_PDF_FONTS 必须是 JSON 对象，键为 {', '.join(ZEREN_PDF_FONTS)}。"
    )
ZEREN_PDF_FONTS.update(_pdf_fonts)
# Each configured face is prepared once per deployment (reporting/fonts.py: read out of its collection,
# empty glyphs unmapped, the common characters in a small file of their own) and kept here, in a
# folder named after the source file's SHA-256.
ZEREN_FONT_CACHE_DIR = Path(env_str("ZEREN_FONT_CACHE_DIR", str(VAR_DIR / "fonts")))

if PRODUCTION:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # The container's health check probes plain HTTP on 127.0.0.1.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    # Only behind a TLS-terminating proxy that sets (overwrites) X-Forwarded-Proto: a client that
    # reaches gunicorn directly could otherwise claim HTTPS.
    if env_bool("TRUST_X_FORWARDED_PROTO", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True

# --- Security headers, Content-Security-Policy, sessions (#11) ------------------------------------
# Sessions end with the browser, after 30 minutes without a request (idle: the expiry moves forward
# at most once a minute, config/middleware.py SessionLifetimeMiddleware) and 12 hours after login
# in any case (absolute). Ending a user's sessions on demand: responsibilities/sessions.py.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 30 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
ZEREN_SESSION_MAX_AGE = env_int("ZEREN_SESSION_MAX_AGE", 12 * 3600)
# No page frames another: X-Frame-Options DENY and CSP frame-ancestors 'none' (PDFs open in a tab).
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Scripts and styles come from /static/ only, or carry the request's nonce ({{ request.csp_nonce }});
# no inline event handler or style attribute anywhere (static/js/zeren.js binds data-confirm and
# data-print). ECharts draws on a canvas; its tooltips are rich text (static/js/dashboard_charts.js).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SILENCED_SYSTEM_CHECKS = [
    # HSTS includeSubDomains (W005) and preload (W021) bind every host of the organization's domain,
    # which Zeren, one intranet host among many, cannot decide: SECURE_HSTS_INCLUDE_SUBDOMAINS turns
    # the first on where the operator owns the whole domain; preloading does not apply to intranets.
    "security.W005",
    "security.W021",
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# --- Login throttling, rate limits, security log, optional TOTP (issue #11) ----------------------
# Login failures are counted in the database (config/auth.py), so login works with Redis down:
# ZEREN_LOGIN_PAIR_LIMIT failures for one user name from one address lock that pair, and
# ZEREN_LOGIN_ADDRESS_LIMIT failures from one address (any names) lock the address, for
# ZEREN_LOGIN_LOCK_MINUTES minutes.
ZEREN_LOGIN_PAIR_LIMIT = env_int("ZEREN_LOGIN_PAIR_LIMIT", 10)
ZEREN_LOGIN_ADDRESS_LIMIT = env_int("ZEREN_LOGIN_ADDRESS_LIMIT", 30)
ZEREN_LOGIN_LOCK_MINUTES = env_int("ZEREN_LOGIN_LOCK_MINUTES", 15)
# Proxies (addresses or networks) whose X-Forwarded-For is believed (responsibilities/client_ip.py);
# from any other address the header is ignored.
ZEREN_TRUSTED_PROXIES = env_list("ZEREN_TRUSTED_PROXIES", [])
# Requests per user (per address when signed out) answering 429 beyond the rate
# (responsibilities/ratelimit.py), e.g. ZEREN_RATE_LIMITS="login=120/min,pdf=30/min,export=10/min".
ZEREN_RATE_LIMITS = {"login": "120/min", "pdf": "30/min", "export": "10/min", "security_log": "60/min"}
ZEREN_RATE_LIMITS.update(
    dict(item.split("=", 1) for item in env_list("ZEREN_RATE_LIMITS", []) if "=" in item)
)
for _scope, _rate in ZEREN_RATE_LIMITS.items():
    if not re.fullmatch(r"\d+/(s|sec|m|min|h|hour|d|day)", _rate.strip()):
        raise ImproperlyConfigured(f"环境变量 ZEREN_RATE_LIMITS 中 {_scope} 的频率 {_rate!r} 应形如 30/min。")
# The security log (/security/log/, superusers) keeps this many days (prune_security_events, nightly).
ZEREN_SECURITY_LOG_DAYS = env_int("ZEREN_SECURITY_LOG_DAYS", 180)
MIDDLEWARE += ["config.security_log.SecurityLogMiddleware"]  # after authentication: it names the user
# Optional TOTP second factor (config/totp.py) for those who may sign reports or inspect.
ZEREN_TOTP_REQUIRED = env_bool("ZEREN_TOTP_REQUIRED", False)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "责任制台账")
INSTALLED_APPS += ["django_otp", "django_otp.plugins.otp_totp"]
MIDDLEWARE += ["django_otp.middleware.OTPMiddleware", "config.totp.TOTPRequiredMiddleware"]
