"""A redis-server of a test's own, and the project's Redis cache backend on it.

Tests that stop, start and freeze Redis under the site use these fixtures
(tests/conftest.py loads this module as a plugin). They need the redis-server
binary: `make system-packages` installs it.
"""

import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
import redis
from django.core.cache import caches
from redis.backoff import NoBackoff
from redis.retry import Retry

from newsroom import redis_cache

REDIS_SERVER = shutil.which("redis-server")
# Seconds the cache leaves Redis alone after a failure, in these tests.
RETRY_AFTER = 0.5


class RedisServer:
    """A redis-server of the test's own, on a free port, keeping its data in `directory`."""

    def __init__(self, directory: Path, *options: str):
        self.options = list(options)  # more of redis-server's settings
        directory.mkdir()
        self.directory = directory
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        # No retries: redis-py's default would back off for seconds after the shutdown
        # that closes its connection, or while the test has Redis down on purpose.
        return redis.Redis(port=self.port, socket_timeout=5, retry=Retry(NoBackoff(), 0))

    def start(self) -> None:
        """Start it, with the data it saved when it last stopped, if any."""
        # An empty --save: no snapshots of its own, only the one `stop(save=True)` asks for.
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no", "--dir", str(self.directory), "--logfile", "redis.log"]
            + self.options
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                self.client().ping()
                return
            except redis.ConnectionError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    log = self.directory / "redis.log"
                    raise RuntimeError(f"redis-server did not start: {log.read_text()}") from None
                time.sleep(0.02)

    def stop(self, save: bool = False) -> None:
        """Shut it down, saving its data to start again with, or losing it."""
        try:
            self.client().shutdown(save=save, nosave=not save)
        except redis.ConnectionError:
            pass  # it closes the connection as it goes
        self.process.wait(timeout=10)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def redis_server(tmp_path):
    if REDIS_SERVER is None:
        pytest.fail(
            "redis-server is not installed: these tests run a Redis of their own. "
            "`make system-packages` installs it (tools/system_packages.sh)."
        )
    server = RedisServer(tmp_path / "redis")
    server.start()
    yield server
    server.kill()


@pytest.fixture
def cache_in_redis(settings, redis_server):
    """The project's Redis backend on the test's own Redis, with whole pages cached."""
    # Changing CACHES makes Django drop the backends it made (django.test.signals).
    settings.CACHES = {
        "default": {
            "BACKEND": "newsroom.redis_cache.SharedClientRedisCache",
            "LOCATION": redis_server.url,
            "OPTIONS": {"RETRY_AFTER": RETRY_AFTER},
        },
        "generation": settings.CACHES["generation"],
        "pages": settings.CACHES["pages"],
    }
    # As in production with Redis (newsroom/settings.py).
    settings.CONTENT_CACHE_SECONDS = 3600
    settings.PAGE_CACHE_SECONDS = 60
    redis_cache.forget_outages()
    backend = caches["default"]
    assert isinstance(backend, redis_cache.SharedClientRedisCache)
    yield backend
    redis_cache.forget_outages()
