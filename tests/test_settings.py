"""The configuration read from the environment (README, "Configuration")."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from django.core.cache import cache

PROJECT = Path(__file__).resolve().parent.parent
PRINT_SETTINGS = """
import json
import re
from django.conf import settings
print(json.dumps({
    "debug": settings.DEBUG,
    "secret_key": settings.SECRET_KEY,
    "engine": settings.DATABASES["default"]["ENGINE"],
    "database": str(settings.DATABASES["default"]["NAME"]),
    "cache": settings.CACHES["default"]["BACKEND"],
    "hosts": settings.ALLOWED_HOSTS,
    "time_zone": settings.TIME_ZONE,
    "media_root": str(settings.MEDIA_ROOT),
}))
"""


def run_settings(**environment: str) -> subprocess.CompletedProcess:
    """Load newsroom.settings in a fresh interpreter with exactly this environment."""
    env = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "newsroom.settings"}
    env.update(environment)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + PRINT_SETTINGS],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
    )


def loaded(**environment: str) -> dict:
    result = run_settings(**environment)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_refuses_to_start_without_a_secret_key():
    result = run_settings(DEBUG="0")
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def manage_bare(*arguments: str, tmp_path) -> subprocess.CompletedProcess:
    """manage.py with neither DEBUG nor SECRET_KEY set, as on a fresh checkout."""
    env = {"PATH": os.environ["PATH"], "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
    )


def test_commands_that_only_read_the_code_run_without_a_secret_key(tmp_path):
    assert manage_bare("check", tmp_path=tmp_path).returncode == 0
    result = manage_bare("makemigrations", "--check", "--dry-run", tmp_path=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_deploy_check_and_every_other_command_still_need_a_secret_key(tmp_path):
    for arguments in (("check", "--deploy"), ("migrate",)):
        result = manage_bare(*arguments, tmp_path=tmp_path)
        assert result.returncode != 0
        assert "Set SECRET_KEY" in result.stderr


def test_development_gets_a_fallback_secret_key():
    assert loaded(DEBUG="1")["secret_key"]


def test_defaults_are_sqlite_local_memory_cache_and_almaty_time():
    values = loaded(SECRET_KEY="x")
    assert values["debug"] is False
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["database"] == str(PROJECT / "db.sqlite3")
    assert values["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert values["time_zone"] == "Asia/Almaty"


def test_environment_configures_database_cache_hosts_and_paths():
    values = loaded(
        SECRET_KEY="x",
        DATABASE_URL="postgres://user:pw@db.internal:5432/newsroom",
        REDIS_URL="redis://cache.internal:6379/0",
        ALLOWED_HOSTS="news.example.kz,www.news.example.kz",
        TIME_ZONE="UTC",
        MEDIA_ROOT="/srv/media",
    )
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["database"] == "newsroom"
    assert values["cache"] == "newsroom.redis_cache.SharedClientRedisCache"
    assert values["hosts"] == ["news.example.kz", "www.news.example.kz"]
    assert values["time_zone"] == "UTC"
    assert values["media_root"] == "/srv/media"


def test_the_configured_cache_stores_and_returns_values(settings):
    if "REDIS_URL" in os.environ:  # CI's PostgreSQL pass: this goes through the real Redis
        assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    cache.set("newsroom-settings-check", {"ok": "жақсы"}, timeout=10)
    assert cache.get("newsroom-settings-check") == {"ok": "жақсы"}
    cache.delete("newsroom-settings-check")


PRINT_CACHING = """
import json
import re
from django.conf import settings
print(json.dumps({
    "conn_max_age": settings.DATABASES["default"]["CONN_MAX_AGE"],
    "health_checks": settings.DATABASES["default"]["CONN_HEALTH_CHECKS"],
    "content": settings.CONTENT_CACHE_SECONDS,
    "pages": settings.PAGE_CACHE_SECONDS,
    "cdn": [settings.CDN_MAX_AGE, settings.CDN_STALE_WHILE_REVALIDATE],
}))
"""


def caching(**environment: str) -> dict:
    env = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "newsroom.settings"}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + PRINT_CACHING],
        cwd=PROJECT,
        env={**env, "SECRET_KEY": "x", **environment},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_keeps_database_connections_and_checks_them():
    values = caching()
    assert values["conn_max_age"] == 60 and values["health_checks"] is True


def test_without_redis_caches_are_per_process_so_they_live_seconds_and_pages_are_not_kept():
    values = caching()
    assert values["content"] == 5
    assert values["pages"] == 0


def test_with_redis_pages_are_kept_and_fragments_live_until_the_content_changes():
    values = caching(REDIS_URL="redis://cache.internal:6379/0")
    assert values["content"] == 3600
    assert values["pages"] == 60
    assert values["cdn"] == [10, 30]
    assert caching(REDIS_URL="redis://c:6379/0", PAGE_CACHE_SECONDS="0")["pages"] == 0


SERVE_STATIC = """
import json, re
from django.test import Client
from django.templatetags.static import static
stylesheet = static("css/site.css")
response = Client().get(stylesheet, headers={"Accept-Encoding": "gzip, br"})
print(json.dumps({
    "url": stylesheet,
    "status": response.status_code,
    "cache_control": response.get("Cache-Control", ""),
    "encoding": response.get("Content-Encoding", ""),
}))
"""


def test_static_files_are_hashed_compressed_and_cached_for_a_year(tmp_path):
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "SECRET_KEY": "x",
        "STATIC_ROOT": str(tmp_path / "static"),
        # The test client speaks plain http: no redirect to https.
        "SECURE_SSL_REDIRECT": "0",
    }
    collect = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert collect.returncode == 0, collect.stderr
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + SERVE_STATIC],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    served = json.loads(result.stdout)
    assert re.fullmatch(r"/static/css/site\.[0-9a-f]{12}\.css", served["url"])
    assert served["status"] == 200
    assert served["encoding"] in ("br", "gzip")
    assert "immutable" in served["cache_control"]
    assert int(re.search(r"max-age=(\d+)", served["cache_control"])[1]) >= 365 * 24 * 3600
