"""Test settings: the real settings, made fast and isolated."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key")

from newsroom.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Each test gets a media directory of its own (tests/conftest.py); this one is never written.
MEDIA_ROOT = Path(tempfile.gettempdir()) / "newsroom-test-media"  # noqa: F405
STATIC_ROOT = Path(tempfile.gettempdir()) / "newsroom-test-static"  # noqa: F405
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns about a missing one
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
# With REDIS_URL set (CI's PostgreSQL pass) the suite runs against the real Redis. Each
# test empties its cache (tests/conftest.py): parallel workers (pytest-xdist) get a Redis
# database each, counting down from the URL's (gw0 in 15, gw1 in 14...).
if "REDIS_URL" in os.environ:
    CACHES["default"]["KEY_PREFIX"] = "newsroom-test"  # noqa: F405
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
    if worker:
        base, _slash, database = CACHES["default"]["LOCATION"].rpartition("/")  # noqa: F405
        CACHES["default"]["LOCATION"] = f"{base}/{max(0, int(database or 0) - worker)}"  # noqa: F405
# The same on both passes: whole pages are cached only in the tests that turn it on.
PAGE_CACHE_SECONDS = 0
# A replica that is the test database itself (a test mirror): the router runs in every
# test, and everything reads from the primary. A mirror sees only committed rows, and
# pytest-django refuses an alias a test does not list, so replica reads are turned on,
# with the pinning middleware, only by the tests that ask for them (transaction=True,
# databases=["default", "replica"]: tests/test_database_router.py).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, as the site uses, not a shared in-memory database: threads (two editors
    # saving at once, the live server) then each have a connection and lock as in production.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(Path(tempfile.gettempdir()) / f"newsroom-test-{os.getpid()}.sqlite3")  # noqa: F405
    }
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
MIDDLEWARE.remove("newsroom.primary_pinning.PrimaryPinningMiddleware")  # noqa: F405
# The test client and the live server speak plain http: no redirect to https.
SECURE_SSL_REDIRECT = False
