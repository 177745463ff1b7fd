"""Django settings: one module, every knob read from the environment (see docs/configuration.md)."""

from __future__ import annotations

import ipaddress
import json
import os
import secrets
import urllib.parse
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent  # src/ravabet
PROJECT_DIR = BASE_DIR.parent.parent  # the checkout
VAR_DIR = Path(os.environ.get("RAVABET_VAR_DIR", PROJECT_DIR / "var"))

# Files this process creates are its owner's alone: the SQLite database (its -wal and -shm take
# the database file's mode), the secret key, uploaded media; var/ itself is created 0700.
os.umask(0o077)
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _secret_key() -> str:
    """From the environment; else generated once into var/ (never committed)."""
    key = os.environ.get("RAVABET_SECRET_KEY")
    if key:
        return key
    path = VAR_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    VAR_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key)
    path.chmod(0o600)
    return key


DEBUG = env_bool("RAVABET_DEBUG", False)
SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("RAVABET_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("RAVABET_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # The kernel: shared pages and mechanisms, the organisation model, API tokens.
    "ravabet.core",
    "ravabet.core.organisation",
    "ravabet.core.tokens",
    # Capabilities: each registers its demo loader, API router and search documents.
    "ravabet.accounts",
    "ravabet.agencies",
    "ravabet.newsroom",
    "ravabet.events",
    "ravabet.desk",
    "ravabet.monitoring",
    "ravabet.surveys",
    "ravabet.distribution",
    "ravabet.investment",
    "ravabet.coordination",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The database unreachable: a Persian 503 with Retry-After (core/outage.py).
    "ravabet.core.outage.DatabaseOutageMiddleware",
    # ETag / Last-Modified answered with 304 (pages, feeds); sees every response last.
    "django.middleware.http.ConditionalGetMiddleware",
    # A stored public page for an anonymous visitor, before the rest runs (core/pagecache.py).
    "ravabet.core.pagecache.FastPathMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "ravabet.core.pagecache.PrivateByDefaultMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "ravabet.core.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "ravabet.config.urls"
WSGI_APPLICATION = "ravabet.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ravabet.core.context_processors.site",
            ],
            "builtins": ["ravabet.core.templatetags.jalali"],
        },
    }
]

# --- Database: SQLite under var/ by default; DATABASE_URL (postgres://...) for scale-out.
# The write path (docs/architecture.md): heavy work happens before a transaction opens, and
# ATOMIC_REQUESTS stays off, so a transaction is only ever a short write.
_default_sqlite = f"sqlite:///{VAR_DIR / 'ravabet.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", _default_sqlite),
        # Persistent connections, checked before reuse (a lost one is replaced, not used).
        conn_max_age=int(os.environ.get("RAVABET_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL: readers never wait for the writer nor the writer for readers, so the web, the
        # worker and the scheduler share the file; NORMAL is safe with WAL (a power cut may lose
        # the last commits, never corrupt the file).
        # For the readers beside the writer: a 32 MB page cache per (persistent) connection,
        # reads through a 256 MB memory map instead of read() calls, temporary tables in memory.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-32000;"
            " PRAGMA mmap_size=268435456; PRAGMA temp_store=MEMORY;"
        ),
        # Every transaction takes the one write lock at BEGIN, so two writers never deadlock
        # upgrading a read lock; hence no read is wrapped in transaction.atomic needlessly.
        "transaction_mode": "IMMEDIATE",
        # Seconds a writer waits for the lock before "database is locked".
        "timeout": float(os.environ.get("RAVABET_SQLITE_BUSY_TIMEOUT", "20")),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: Redis when REDIS_URL is set (shared by every process on every machine).
REDIS_URL = os.environ.get("REDIS_URL", "")
# Parallel test workers share one Redis; each keeps to its own prefix.
_CACHE_PREFIX = os.environ.get("RAVABET_CACHE_PREFIX", "ravabet") + os.environ.get(
    "PYTEST_XDIST_WORKER", ""
)
CACHES: dict[str, dict[str, object]]
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": _CACHE_PREFIX,
        },
        # Rendered public pages (core/pagecache.py), shared by every process: the portal's,
        # the popular searches', and the marks of searches asked once.
        "pages": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": _CACHE_PREFIX + ":pages",
        },
        "pages_popular": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": _CACHE_PREFIX + ":pages_popular",
        },
        "pages_seen": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": _CACHE_PREFIX + ":pages_seen",
        },
        # Search results of popular queries and the admission slots (core/search/cache.py).
        "search": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": _CACHE_PREFIX + ":search",
        },
        "search_seen": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": _CACHE_PREFIX + ":search_seen",
        },
    }
else:
    # Without Redis, files under var/cache: shared by every process on this machine (the web
    # workers, the task worker, the scheduler), so a rate limit is one limit, not one per process.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache" / (_CACHE_PREFIX or "ravabet")),
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        },
        # Rendered public pages (core/pagecache.py): an LRU in each process's memory, bounded;
        # the versions that make them stale live in "default", shared.
        "pages": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "ravabet-pages",
            "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("RAVABET_PAGE_CACHE_ENTRIES", "2000"))},
        },
        # Pages of popular searches, apart, so a flood of queries cannot push the portal out;
        # and the marks of searches asked once (a query is kept when asked a second time).
        "pages_popular": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "ravabet-pages-popular",
            "OPTIONS": {"MAX_ENTRIES": 500},
        },
        "pages_seen": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "ravabet-pages-seen",
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        },
        # Search results of popular queries (core/search/cache.py): an LRU in each process's
        # memory, bounded; beside it the admission slots (bounded by the code to 8,192 keys), so
        # a flood of one-off queries never pushes results out. The index versions: "default".
        "search": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "ravabet-search",
            "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("RAVABET_SEARCH_CACHE_ENTRIES", "1000"))},
        },
        "search_seen": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "ravabet-search-seen",
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        },
    }
# How long an anonymous public page is kept at most (its topics' versions make it stale at once
# when what it shows changes; the bound keeps relative times such as «۵ دقیقه پیش» honest). 0: off.
RAVABET_PAGE_CACHE_SECONDS = int(os.environ.get("RAVABET_PAGE_CACHE_SECONDS", "300"))
# How long the results of a search asked twice are kept (core/search/cache.py); a write to the
# index makes them stale at once. 0: off.
RAVABET_SEARCH_CACHE_SECONDS = int(os.environ.get("RAVABET_SEARCH_CACHE_SECONDS", "120"))

# --- Background work through the django-tasks interface.
_task_backend = os.environ.get("RAVABET_TASK_BACKEND", "database")
if _task_backend == "rq":
    RQ_QUEUES = {"default": {"URL": REDIS_URL or "redis://127.0.0.1:6379/0"}}
    INSTALLED_APPS.append("django_rq")
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
elif _task_backend == "immediate":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Periodic work, enqueued by `ravabet scheduler` (core/scheduler.py): each capability registers
# its own jobs; entries here add jobs or change a registered job's timing, e.g.
# [{"task": "ravabet.newsroom.tasks.send_daily_digests", "at": "08:00"}].
RAVABET_PERIODIC_TASKS: list[dict[str, object]] = json.loads(
    os.environ.get("RAVABET_PERIODIC_TASKS", "[]")
)
# The database backend's tasks RUNNING longer than this (seconds) were abandoned by a killed
# worker and are made ready again once (core/recovery.py); longer than the longest task.
RAVABET_TASK_STALE_AFTER = int(os.environ.get("RAVABET_TASK_STALE_AFTER", "3600"))

# --- People
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:backoffice"
LOGOUT_REDIRECT_URL = "newsroom:home"
# Failed logins allowed per (address, username) and per address within the window.
LOGIN_RATE_LIMIT = int(os.environ.get("RAVABET_LOGIN_RATE_LIMIT", "5"))
LOGIN_RATE_WINDOW_SECONDS = int(os.environ.get("RAVABET_LOGIN_RATE_WINDOW", "900"))

# --- Language and time: Persian, right-to-left; aware UTC in the database, Tehran on screen.
LANGUAGE_CODE = "fa"
LANGUAGES = [("fa", "فارسی")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tehran"
USE_I18N = True
USE_TZ = True

# --- Static and media files (served by the app itself: no CDN on a closed network).
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("RAVABET_MEDIA_ROOT", VAR_DIR / "media"))
# RAVABET_HASHED_STATIC=1 (production and `make demo`, after `ravabet collectstatic`): whitenoise
# serves the copies collected into STATIC_ROOT, named by content hash (cached for a year) and
# compressed. Off (tests, `make dev`): the files are served from the apps' folders as they are, so
# nothing needs collecting first.
HASHED_STATIC = env_bool("RAVABET_HASHED_STATIC")
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if HASHED_STATIC
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
    # Files of unpublished or personal records (release media, later citizens' attachments):
    # outside MEDIA_ROOT, served only through the permission-checked /files/ view.
    "private": {"BACKEND": "ravabet.core.uploads.storage.PrivateFileSystemStorage"},
}
RAVABET_PRIVATE_ROOT = Path(os.environ.get("RAVABET_PRIVATE_ROOT", VAR_DIR / "private"))
# Uploads: small files in memory, larger ones in a temporary file, none past the largest limit
# any upload policy allows (core/uploads/handlers.py); form fields without files up to 2.5 MB.
FILE_UPLOAD_HANDLERS = [
    "ravabet.core.uploads.handlers.CappedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
WHITENOISE_USE_FINDERS = not HASHED_STATIC
WHITENOISE_AUTOREFRESH = DEBUG

# --- Security
# Cookies without the Secure flag while DEBUG is off, for a server that only this machine reaches
# over plain http (`make demo` on http://127.0.0.1): refused unless every allowed host is loopback.
INSECURE_LOOPBACK_COOKIES = env_bool("RAVABET_INSECURE_LOOPBACK_COOKIES")


def is_loopback_host(host: str) -> bool:
    """localhost, 127.0.0.0/8, [::1]; or testserver, the test client's name no browser resolves."""
    host = host.strip("[]").lower()
    if host in {"localhost", "testserver"} or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


if INSECURE_LOOPBACK_COOKIES and not all(is_loopback_host(h) for h in ALLOWED_HOSTS):
    raise ImproperlyConfigured(
        "RAVABET_INSECURE_LOOPBACK_COOKIES lets session cookies travel over plain http; it is "
        "allowed only when every host in RAVABET_ALLOWED_HOSTS is loopback, not "
        + ", ".join(h for h in ALLOWED_HOSTS if not is_loopback_host(h))
    )
SECURE_COOKIES = env_bool("RAVABET_SECURE_COOKIES", not DEBUG and not INSECURE_LOOPBACK_COOKIES)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
# No script reads the CSRF cookie: forms carry the token, htmx takes it from <body hx-headers>.
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy of every page (core/csp.py): no inline script or style anywhere.
RAVABET_CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self'",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
# Path prefix -> directives replaced there. ninja's Swagger UI sets inline styles and draws
# its icons from data: URIs (its scripts are files, so script-src stays 'self').
RAVABET_CSP_PATHS = {
    "/api/v1/docs": {"style-src": "'self' 'unsafe-inline'", "img-src": "'self' data:"},
}
RAVABET_CSP_REPORT_ONLY = env_bool("RAVABET_CSP_REPORT_ONLY")

# --- Media on S3-compatible storage (optional; the `s3` extra: django-storages and boto3).
# RAVABET_MEDIA_S3_BUCKET set: public media (agency logos) go to <bucket>/media/ and are linked
# straight from there (the bucket policy must let anyone read that prefix; unsigned URLs, on
# RAVABET_MEDIA_S3_CUSTOM_DOMAIN when given); private files go to <bucket>/private/ with a
# private ACL and still have no URL: the permission-checked /files/ view streams them from the
# bucket. Credentials: boto3's own chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, a profile,
# an instance role). docs/operations.md, "The scale-out stack".
RAVABET_MEDIA_S3_BUCKET = os.environ.get("RAVABET_MEDIA_S3_BUCKET", "")
if RAVABET_MEDIA_S3_BUCKET:
    _s3_endpoint = os.environ.get("RAVABET_MEDIA_S3_ENDPOINT_URL", "")
    _s3_region = os.environ.get("RAVABET_MEDIA_S3_REGION", "")
    _s3_domain = os.environ.get("RAVABET_MEDIA_S3_CUSTOM_DOMAIN", "")
    _s3 = {
        "bucket_name": RAVABET_MEDIA_S3_BUCKET,
        "endpoint_url": _s3_endpoint or None,
        "region_name": _s3_region or None,
        "file_overwrite": False,
    }
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_s3,
            "location": "media",
            "custom_domain": _s3_domain or None,
            "querystring_auth": False,
            "default_acl": None,
        },
    }
    STORAGES["private"] = {
        "BACKEND": "ravabet.core.uploads.s3.PrivateS3Storage",
        "OPTIONS": {**_s3, "location": "private", "default_acl": "private"},
    }
    # The pages show the public media from the bucket's own origin.
    if _s3_domain:
        _s3_origins = [f"https://{_s3_domain}"]
    elif _s3_endpoint:
        _s3_parts = urllib.parse.urlsplit(_s3_endpoint)
        _s3_origins = [
            f"{_s3_parts.scheme}://{_s3_parts.netloc}",
            f"{_s3_parts.scheme}://{RAVABET_MEDIA_S3_BUCKET}.{_s3_parts.netloc}",
        ]
    else:
        _s3_origins = [f"https://{RAVABET_MEDIA_S3_BUCKET}.s3.amazonaws.com"] + (
            [f"https://{RAVABET_MEDIA_S3_BUCKET}.s3.{_s3_region}.amazonaws.com"]
            if _s3_region
            else []
        )
    RAVABET_CSP["img-src"] = " ".join(["'self'", *_s3_origins])
# How many reverse proxies of ours stand in front of the app (0: none, the demo); the person's
# address is then read from X-Forwarded-For for the audit log and the rate limits (core/audit.py).
RAVABET_TRUSTED_PROXIES = int(os.environ.get("RAVABET_TRUSTED_PROXIES", "0"))
if env_bool("RAVABET_BEHIND_TLS_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31_536_000
    # includeSubDomains covers the hosts under the site's own (*.ravabet.example.ir), never its
    # siblings under the parent domain: none of them should ever speak plain http.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("RAVABET_HSTS_INCLUDE_SUBDOMAINS", True)
    # Preloading is a promise for a whole registrable domain, made by its owner from the apex;
    # the app on one host of it does not make it unless told (then Django's W021 is not silenced).
    SECURE_HSTS_PRELOAD = env_bool("RAVABET_HSTS_PRELOAD")
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]

# --- E-mail: the console in development and the demo, SMTP when configured.
EMAIL_BACKEND = os.environ.get(
    "RAVABET_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("RAVABET_FROM_EMAIL", "ravabet@localhost")
# Where "django.core.mail.backends.filebased.EmailBackend" writes (one file a connection): the
# scale-out stack's tests count the e-mails every process sent there.
EMAIL_FILE_PATH = os.environ.get("RAVABET_EMAIL_FILE_PATH", str(VAR_DIR / "mail"))

# --- The site
RAVABET_SITE_NAME = os.environ.get("RAVABET_SITE_NAME", "روابط — شبکه روابط عمومی استان تهران")
RAVABET_PROVINCE = os.environ.get("RAVABET_PROVINCE", "تهران")
# The site's address as people reach it: every absolute link (e-mails, feeds, canonical and share
# tags) is built from it by ravabet.core.links.absolute_url. `make demo` sets it from HOST and PORT.
RAVABET_BASE_URL = os.environ.get("RAVABET_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
if not RAVABET_BASE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(
        f"RAVABET_BASE_URL must start with http:// or https://: {RAVABET_BASE_URL!r}"
    )
RAVABET_MAX_ATTACHMENT_BYTES = int(os.environ.get("RAVABET_MAX_ATTACHMENT_MB", "10")) * 2**20
# Hours before an event when its registrants and the invited agencies that registered nobody
# are reminded (events/services.event_send_reminders).
RAVABET_EVENT_REMINDER_HOURS = float(os.environ.get("RAVABET_EVENT_REMINDER_HOURS", "48"))
# The citizen desk (docs/desk.md). Working days an agency has to answer each kind of message
# until the directorate sets its own in the back office (desk.SlaRule).
RAVABET_DESK_SLA_DAYS: dict[str, int] = {
    "question": 5,
    "request": 7,
    "complaint": 10,
    "suggestion": 10,
    "appreciation": 3,
    "inquiry": 7,
    **json.loads(os.environ.get("RAVABET_DESK_SLA_DAYS", "{}")),
}
# Submissions accepted per address an hour and per mobile number a day; tracking-code lookups
# per address an hour (a brute-force guard: a wrong code counts, a right one too).
RAVABET_DESK_SUBMISSIONS_PER_IP_HOUR = int(
    os.environ.get("RAVABET_DESK_SUBMISSIONS_PER_IP_HOUR", "10")
)
RAVABET_DESK_SUBMISSIONS_PER_MOBILE_DAY = int(
    os.environ.get("RAVABET_DESK_SUBMISSIONS_PER_MOBILE_DAY", "5")
)
RAVABET_DESK_LOOKUPS_PER_IP_HOUR = int(os.environ.get("RAVABET_DESK_LOOKUPS_PER_IP_HOUR", "30"))
# Files a citizen may attach to one message (each within RAVABET_MAX_ATTACHMENT_MB).
RAVABET_DESK_MAX_ATTACHMENTS = int(os.environ.get("RAVABET_DESK_MAX_ATTACHMENTS", "3"))
# An answered message the citizen neither rated nor reopened is closed after these days.
RAVABET_DESK_CLOSE_AFTER_DAYS = int(os.environ.get("RAVABET_DESK_CLOSE_AFTER_DAYS", "14"))
# Fewer messages than this in the chosen period: an agency is shown but not ranked.
RAVABET_DESK_MIN_VOLUME = int(os.environ.get("RAVABET_DESK_MIN_VOLUME", "10"))
# Citizens' personal data (names, mobiles, e-mails) is anonymized this many days after its case
# closed (a desk message closed, an event over); see docs/operations.md «Personal data».
RAVABET_PERSONAL_DATA_RETENTION_DAYS = int(
    os.environ.get("RAVABET_PERSONAL_DATA_RETENTION_DAYS", "730")
)
# Media monitoring: feeds (and the article pages read for full text) may be on private,
# loopback or link-local addresses and on any port. Off: only public addresses on 80/443
# (monitoring/feeds.py's guard against requests to the internal network); on for an intranet
# feed, and in the tests, whose feeds are served from 127.0.0.1.
RAVABET_MONITORING_ALLOW_PRIVATE_FEEDS = env_bool("RAVABET_MONITORING_ALLOW_PRIVATE_FEEDS")
# A feed's server waited for (seconds): to connect and for each read, and for the whole download.
RAVABET_MONITORING_FEED_TIMEOUT = float(os.environ.get("RAVABET_MONITORING_FEED_TIMEOUT", "15"))
RAVABET_MONITORING_FEED_TOTAL_TIMEOUT = float(
    os.environ.get("RAVABET_MONITORING_FEED_TOTAL_TIMEOUT", "60")
)
# Distribution: a messenger channel's base URL (or a webhook) may be on a private, loopback or
# link-local address and on any port. Off: only public addresses on 80/443 (core/netguard.py,
# checked when the channel is saved and again at every connection); on for an intranet gateway,
# and in the tests, whose Bot-API server runs on 127.0.0.1.
RAVABET_DISTRIBUTION_ALLOW_PRIVATE_CHANNELS = env_bool(
    "RAVABET_DISTRIBUTION_ALLOW_PRIVATE_CHANNELS"
)
# SQLite's page cache (MB) for the connection of a bulk import (`ravabet ingest`) while it runs.
RAVABET_MONITORING_IMPORT_CACHE_MB = int(
    os.environ.get("RAVABET_MONITORING_IMPORT_CACHE_MB", "256")
)
# The key channel tokens are encrypted under (distribution/crypto.py); empty: derived from
# SECRET_KEY. Changing it makes stored tokens unreadable (each channel asks for its token again).
RAVABET_CHANNEL_KEY = os.environ.get("RAVABET_CHANNEL_KEY", "")
# Surveys: new responses to one survey from one address an hour, and mobile codes asked for
# from one address an hour (surveys/views/public.py; a Persian 429 page past them).
RAVABET_SURVEY_RESPONSES_PER_IP_HOUR = int(
    os.environ.get("RAVABET_SURVEY_RESPONSES_PER_IP_HOUR", "20")
)
RAVABET_SURVEY_CODES_PER_IP_HOUR = int(os.environ.get("RAVABET_SURVEY_CODES_PER_IP_HOUR", "10"))
# How SMS leave: the console in the demo; "ravabet.core.sms.KavenegarBackend" with
# RAVABET_SMS_API_KEY and RAVABET_SMS_SENDER for a real provider (core/sms.py).
RAVABET_SMS_BACKEND = os.environ.get("RAVABET_SMS_BACKEND", "ravabet.core.sms.ConsoleBackend")
RAVABET_SMS_API_KEY = os.environ.get("RAVABET_SMS_API_KEY", "")
RAVABET_SMS_SENDER = os.environ.get("RAVABET_SMS_SENDER", "")
RAVABET_MAX_IMAGE_BYTES = int(os.environ.get("RAVABET_MAX_IMAGE_MB", "5")) * 2**20
# The longest release body accepted, in characters as sent (markup included): the form, the API
# and the importer all refuse a longer one with the same message (newsroom/services.py).
RAVABET_MAX_BODY_CHARS = int(os.environ.get("RAVABET_MAX_BODY_CHARS", "200000"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("RAVABET_LOG_LEVEL", "WARNING")},
}

CSRF_FAILURE_VIEW = "ravabet.core.views.csrf_failure"
