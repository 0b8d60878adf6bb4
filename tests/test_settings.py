"""The configuration read from the environment (README, "Configuration")."""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.core.cache import cache

PROJECT = Path(__file__).resolve().parent.parent
PRINT_SETTINGS = """
import json
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
    assert values["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert values["hosts"] == ["news.example.kz", "www.news.example.kz"]
    assert values["time_zone"] == "UTC"
    assert values["media_root"] == "/srv/media"


def test_the_configured_cache_stores_and_returns_values(settings):
    if "REDIS_URL" in os.environ:  # CI's PostgreSQL pass: this goes through the real Redis
        assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    cache.set("newsroom-settings-check", {"ok": "жақсы"}, timeout=10)
    assert cache.get("newsroom-settings-check") == {"ok": "жақсы"}
    cache.delete("newsroom-settings-check")
