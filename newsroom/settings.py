"""Newsroom settings, read from the environment (see README.md, "Configuration")."""

import subprocess
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def git_revision(directory: Path) -> str:
    """The checkout's commit id, or "unknown" outside a git checkout."""
    try:
        found = subprocess.run(
            ["git", "-C", str(directory), "rev-parse", "--short=12", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return found.stdout.strip() or "unknown"


env = environ.Env()
# A local .env file (never committed) may hold the variables for development.
environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)

if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default="development-only-key-never-use-in-production")
else:
    SECRET_KEY = env.str("SECRET_KEY", default="")
    if not SECRET_KEY:
        raise ImproperlyConfigured("Set SECRET_KEY: it is required when DEBUG is off.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])

# The public address of the site, for links printed outside a request (the importer).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # modeltranslation must come before the admin to patch its forms.
    "modeltranslation",
    # Django's admin, served by a site that asks staff for a second factor (newsroom.accounts).
    "newsroom.accounts.apps.DeskAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.syndication",
    "django.contrib.postgres",
    "reversion",
    "django_prose_editor",
    "newsroom.accounts.apps.SignInProtectionConfig",  # django-axes
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # Background tasks (Django's tasks framework) kept in the database, run by `db_worker`.
    "django_tasks_db",
    "articles",
    # After auth and django-otp: its admin replaces theirs for users, groups and devices.
    "newsroom.accounts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outermost with the security headers: a redirect, a 304 or a 400 answered by a
    # middleware further in carries it too.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Outside the page cache, so that a cached page carries the policy too.
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Early: a 304 or a cached page costs no further work.
    "articles.caching.http_cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Whether this session gave a second factor: request.user.is_verified().
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Ends idle staff sessions and those signed out everywhere (it adds a message to say so).
    "newsroom.accounts.middleware.StaffSessionMiddleware",
    "newsroom.primary_pinning.PrimaryPinningMiddleware",
    # Last, as django-axes asks: it turns a lock-out into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

if not DEBUG:
    # In development runserver serves static files itself.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

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
                "django.template.context_processors.csp",
                "articles.public.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# A read replica of the primary: public pages read from it (newsroom/routers.py).
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db_url("DATABASE_REPLICA_URL")
for database in DATABASES.values():
    database["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    database["CONN_HEALTH_CHECKS"] = True
    if database["ENGINE"] == "django.db.backends.sqlite3":
        # Two editors saving at once: each transaction takes the write lock as it begins
        # (a deferred one that read first could only fail with "database is locked"),
        # the other waits for it up to `timeout` seconds, and readers go on meanwhile (WAL).
        database.setdefault("OPTIONS", {}).update(
            transaction_mode="IMMEDIATE",
            timeout=env.int("SQLITE_BUSY_TIMEOUT", default=20),
            init_command="PRAGMA journal_mode=WAL",
        )
# The desk's translation indexes carry the status as a non-key column (INCLUDE, for
# counts read from the index alone on PostgreSQL); SQLite builds them without it,
# which is all this warning says.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
DATABASE_ROUTERS = ["newsroom.routers.PrimaryReplicaRouter"]
# How long the replica may lag: a client stays on the primary that long after a write.
REPLICA_LAG_SECONDS = env.int("REPLICA_LAG_SECONDS", default=10)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's Redis backend, reusing its client objects (newsroom/redis_cache.py).
            "BACKEND": "newsroom.redis_cache.SharedClientRedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# What one content generation computes (page fragments, pages of lists): kept in each
# process, since its keys carry the generation token, which every process reads from the
# default cache: a change still reaches every process at once, and a page costs no round
# trip to Redis per fragment (articles/caching/generation.py).
CACHES["generation"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "generation",
    "OPTIONS": {"MAX_ENTRIES": env.int("GENERATION_CACHE_ENTRIES", default=5000)},
}

# Whole pages kept in each process as well as in the default cache: a page read again costs
# no round trip, and is never stale (it is checked against the generation, which Redis
# says when it changes). Pages are 15-25 KB (a feed 100): 2,000 take about 50 MB a process.
CACHES["pages"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "pages",
    "OPTIONS": {"MAX_ENTRIES": env.int("PAGE_CACHE_ENTRIES", default=2000)},
}

# Caching that never serves stale news (README, "Caching"). Kept pages and fragments
# belong to the content generation (articles/caching/generation.py), which every change renews;
# these are only upper bounds. Without Redis each process has its own cache, so a change
# made in another process shows after at most CONTENT_CACHE_SECONDS there: keep it short.
CONTENT_CACHE_SECONDS = env.int("CONTENT_CACHE_SECONDS", default=3600 if REDIS_URL else 5)
# Whole pages for anonymous readers (0 turns it off); also how long most-read lists may lag.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=60 if REDIS_URL else 0)
# What a CDN in front may do: keep a page this long, then serve it while it revalidates.
CDN_MAX_AGE = env.int("CDN_MAX_AGE", default=10)
CDN_STALE_WHILE_REVALIDATE = env.int("CDN_STALE_WHILE_REVALIDATE", default=30)
# The edge caches in front (Varnish with deploy/varnish/newsroom.vcl), purged by surrogate
# key when content changes; unset, there is no edge. Comma-separated addresses.
EDGE_CACHE_URLS = env.list("EDGE_CACHE_URLS", default=[])
# How long the edge keeps a page it is never told about (purges make it shorter), and a page
# with most-read lists, which change as readers read, without a purge.
EDGE_MAX_AGE = env.int("EDGE_MAX_AGE", default=24 * 3600)
EDGE_RANKED_MAX_AGE = env.int("EDGE_RANKED_MAX_AGE", default=60)
# The deployed code's name, in every ETag and kept page's key: a deploy never serves what
# the previous templates made. Set it to the release's commit id; the checkout's by default.
RELEASE = env.str("RELEASE", default="") or git_revision(BASE_DIR)

# The lock-out check comes first: it refuses a locked-out sign-in before any password is tried.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages: declared here and nowhere else. Adding one is this list plus
# `manage.py makemigrations articles` (modeltranslation adds its columns).
# Each is a public edition at /<code>/; a script variant is an edition made
# automatically from another language's text (articles/editions/scripts.py), which
# editors never type: Kazakh in the 2021 Latin alphabet, from Kazakh.
LANGUAGE_CODE = "kk"
LANGUAGES = [
    ("kk", "Қазақша"),
    ("kk-latn", "Qazaqşa"),
    ("ru", "Русский"),
    ("en", "English"),
]
SCRIPT_VARIANTS = {"kk-latn": "kk"}
# Ours first, so that they win; then what the libraries' own catalogues lack in Kazakh
# and Russian (Django's admin, django-axes, django-reversion, the rich-text editor...).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale" / "libraries"]
FORMAT_MODULE_PATH = ["newsroom.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Almaty")

# Readers never see another language's text in place of a missing translation.
MODELTRANSLATION_DEFAULT_LANGUAGE = LANGUAGE_CODE
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ()}

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))

# Uploaded media: on this server's disk, or in an S3-compatible bucket that every server
# shares. django-storages reads AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY from the
# environment itself, or uses the server's role.
MEDIA_STORAGE = env.str("MEDIA_STORAGE", default="filesystem")
if MEDIA_STORAGE == "filesystem":
    MEDIA_BACKEND = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
elif MEDIA_STORAGE == "s3":
    # Where readers get the files (a CDN, or the bucket's public address). It is the
    # media URL too: the sanitizer and article bodies know our pictures by it.
    scheme, _, domain = env.str("AWS_S3_CUSTOM_DOMAIN").rpartition("://")
    MEDIA_URL = f"{scheme or 'https'}://{domain.strip('/')}/"
    MEDIA_BACKEND = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default=None),
            "region_name": env.str("AWS_S3_REGION_NAME", default=None),
            "custom_domain": domain.strip("/"),
            "url_protocol": f"{scheme or 'https'}:",
            # Public files at plain addresses, readable by the bucket's policy rather
            # than per-object ACLs; an upload never replaces another file of its name.
            "default_acl": None,
            "querystring_auth": False,
            "file_overwrite": False,
        },
    }
else:
    raise ImproperlyConfigured('MEDIA_STORAGE is either "filesystem" or "s3".')

STORAGES = {
    "default": MEDIA_BACKEND,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# HTTPS (README, "Security"). A local production-like run over plain http sets
# SECURE_SSL_REDIRECT=0 and SECURE_COOKIES=0 (`make serve` does).
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Load balancers probe gunicorn directly, over plain http.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Only behind a proxy that sets this header on every request: a client could send it too.
if proxy_ssl_header := env.str("SECURE_PROXY_SSL_HEADER", default=""):
    SECURE_PROXY_SSL_HEADER = (proxy_ssl_header, "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
# No script of ours or of the admin reads the CSRF cookie: forms carry the token.
CSRF_COOKIE_HTTPONLY = True
# Other sites learn only that a reader came from us, never which page (preview links).
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy: no inline script or style but what carries this response's
# nonce. Only the admin prints it (its templates' csp_nonce_attr: the rich-text editor's
# import map, a change list's style), so public pages allow files from here alone.
# The rich-text editor (Tiptap) adds its base stylesheet as a <style> without a nonce:
# that stylesheet alone is allowed, by its hash. An upgrade that changes it shows as a
# violation in tests/test_security.py.
TIPTAP_BASE_STYLE = "'sha256-PlumsSlvJ7vvWzjqibGAYKq92O3y/4JTxWWsWJvyUYA='"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE, TIPTAP_BASE_STYLE],
    # Pictures in a bucket are at its own address; data: for the admin's and editor's icons.
    "img-src": [CSP.SELF, "data:", *([MEDIA_URL] if MEDIA_STORAGE == "s3" else [])],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Sign-in lock-out (django-axes): an editor's name from one address, so that an
# attacker cannot lock every editor out from everywhere.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "axes/lockout.html"
# The client's address is the connection's, unless a proxy in front names it in a
# header it sets itself (a client could send the header too).
if client_ip_header := env.str("AXES_CLIENT_IP_HEADER", default=""):
    AXES_IPWARE_META_PRECEDENCE_ORDER = (client_ip_header, "REMOTE_ADDR")
    # How many addresses the proxies add after the client's in that header.
    AXES_IPWARE_PROXY_COUNT = env.int("AXES_IPWARE_PROXY_COUNT", default=0)
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)

# Staff accounts (README, "Security"). A staff session ends after this long without its
# person using the desk: an hour lets an editor write a long story between saves (typing
# counts, static/articles/presence.js), and a desk left open on a shared or lost computer
# does not stay signed in for the afternoon.
STAFF_IDLE_MINUTES = env.int("STAFF_IDLE_MINUTES", default=60)
# The name authenticator apps show beside the editor's account.
OTP_TOTP_ISSUER = env.str("TWO_FACTOR_ISSUER", default="Newsroom")
# A code typed at the sign-in's second step is never kept in django-axes's records.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# Uploaded pictures: the largest file, and the most pixels (decompression bombs).
IMAGE_MAX_UPLOAD_BYTES = env.int("IMAGE_MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)
IMAGE_MAX_PIXELS = env.int("IMAGE_MAX_PIXELS", default=50_000_000)

# Background work (renditions of an uploaded picture) goes through Django's tasks framework.
# "immediate" runs a task at once, inside the request: nothing more to run, which suits the
# demo and the tests. "database" queues it in the database for `manage.py db_worker`
# (django-tasks-db), so that an upload answers without waiting for its renditions.
TASKS_BACKENDS = {
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
TASKS_BACKEND = env.str("TASKS_BACKEND", default="immediate")
if TASKS_BACKEND not in TASKS_BACKENDS:
    raise ImproperlyConfigured('TASKS_BACKEND is either "immediate" or "database".')
TASKS = {"default": {"BACKEND": TASKS_BACKENDS[TASKS_BACKEND]}}

# How long a shared preview link works, in seconds (a week by default).
PREVIEW_MAX_AGE = env.int("PREVIEW_MAX_AGE", default=7 * 24 * 3600)

# The admin's language tabs need jQuery UI; ours is bundled, never from a CDN.
JQUERY_UI_URL = "vendor/jquery-ui/jquery-ui.min.js"
