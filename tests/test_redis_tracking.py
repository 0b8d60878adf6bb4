"""The generation known in each process until Redis says it changed (newsroom/redis_tracking.py).

Each test runs a redis-server of its own (tests/redis_server.py) and reads
what it did from the server itself: the commands it processed, the clients
connected. Another process is played by a second connection of the test's.
"""

import os
import signal
import time

import pytest
import redis
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.caching import generation
from articles.models import Article
from articles.public import popularity
from newsroom import redis_cache, redis_tracking
from tests.factories import make_article
from tests.redis_server import RedisServer

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

# Longer than a message ever takes over loopback; the tests wait only until it has come.
PATIENCE = 2.0


def commands(server) -> int:
    """The commands the server has processed, leaving out the INFO that asks."""
    return server.client().info("stats")["total_commands_processed"]


def within_patience(check) -> bool:
    deadline = time.monotonic() + PATIENCE
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.001)
    return True


def test_a_page_read_again_costs_no_round_trip_to_redis_and_no_query(
    client, redis_server, cache_in_redis, monkeypatch
):
    monkeypatch.setattr(popularity, "PUSH_EVERY", 3600)  # reads counted stay in memory
    article = make_article(title_en="Kept in the process")
    pages = ["/en/", "/en/news/", article.get_absolute_url("en")]
    first = {page: client.get(page).content for page in pages}
    before = commands(redis_server)
    with CaptureQueriesContext(connection) as queries:
        again = {page: client.get(page).content for page in pages * 5}
    assert commands(redis_server) - before == 1  # the INFO that asked
    assert len(queries) == 0
    assert again == first
    assert b"Kept in the process" in again[article.get_absolute_url("en")]


def test_a_change_by_another_process_shows_as_soon_as_redis_says_so(
    client, redis_server, cache_in_redis
):
    article = make_article(title_en="Before the edit")
    address = article.get_absolute_url("en")
    assert b"Before the edit" in client.get(address).content
    assert b"Before the edit" in client.get(address).content  # kept

    # Another process saves the edit and drops the generation; this one sees no signal.
    Article.objects.filter(pk=article.pk).update(title_en="After the edit")
    redis_server.client().delete(f":1:{generation.KEY}")

    assert within_patience(lambda: b"After the edit" in client.get(address).content)


def test_what_the_process_knows_is_forgotten_when_its_connection_breaks(
    redis_server, cache_in_redis
):
    cache = cache_in_redis
    cache.set("known", 1)
    assert cache.get_many_tracked(["known"]) == {"known": 1}

    other = redis_server.client()
    other.client_kill_filter(_type="normal", skipme=True)  # this process's connections cut
    other.set(":1:known", 2)  # changed while no message could reach this process
    assert cache.get_many_tracked(["known"]) == {"known": 2}  # asked on a new connection


def test_this_processs_own_write_is_known_at_once(redis_server, cache_in_redis, monkeypatch):
    cache = cache_in_redis
    cache.set("known", 1)
    assert cache.get_many_tracked(["known"]) == {"known": 1}
    # However late Redis's messages come, the write itself forgets the old value.
    monkeypatch.setattr(redis_tracking.TrackedKeys, "_invalidated", lambda self, message: None)
    cache.set("known", 2)
    assert cache.get_many_tracked(["known"]) == {"known": 2}
    cache.delete("known")
    assert cache.get_many_tracked(["known"]) == {}


def test_a_missing_key_is_tracked_too_and_an_emptied_redis_forgets_everything(
    redis_server, cache_in_redis
):
    cache = cache_in_redis
    assert cache.get_many_tracked(["later"]) == {}
    cache_in_another_process = redis.Redis(port=redis_server.port)
    cache_in_another_process.set(":1:later", 7)
    assert within_patience(lambda: cache.get_many_tracked(["later"]) == {"later": 7})

    cache_in_another_process.flushdb()
    assert within_patience(lambda: cache.get_many_tracked(["later"]) == {})


def test_a_quiet_redis_is_pinged_before_what_is_known_is_trusted(
    redis_server, cache_in_redis, monkeypatch
):
    cache = cache_in_redis
    cache.set("known", "value")
    assert cache.get_many_tracked(["known"]) == {"known": "value"}
    before = commands(redis_server)
    for _ in range(5):
        cache.get_many_tracked(["known"])
    assert commands(redis_server) - before == 1  # known: nothing asked but the INFO

    # A network cut leaves the socket open and says nothing: after CHECK_EVERY, a ping.
    monkeypatch.setattr(redis_tracking, "CHECK_EVERY", 0)
    os.kill(redis_server.process.pid, signal.SIGSTOP)
    try:
        assert cache.get_many_tracked(["known"]) == {}  # not the value it knew
    finally:
        os.kill(redis_server.process.pid, signal.SIGCONT)


def test_a_redis_without_tracking_is_read_each_time_and_asked_once(tmp_path, settings):
    # As a server before Redis 6, or a proxy that does not pass CLIENT on, answers.
    server = RedisServer(tmp_path / "no-tracking", "--rename-command", "CLIENT", "")
    server.start()
    try:
        settings.CACHES = {
            **settings.CACHES,
            "default": {
                "BACKEND": "newsroom.redis_cache.SharedClientRedisCache",
                "LOCATION": server.url,
            },
        }
        redis_cache.forget_outages()
        cache = caches["default"]
        cache.set("known", 1)
        assert cache.get_many_tracked(["known"]) == {"known": 1}
        server.client().set(":1:known", 2)
        assert cache.get_many_tracked(["known"]) == {"known": 2}  # read again, not kept
        connections = server.client().info("stats")["total_connections_received"]
        for _ in range(5):
            cache.get_many_tracked(["known"])
        # Tracking is not asked for again on every read: the one connection is the INFO asking.
        assert server.client().info("stats")["total_connections_received"] - connections == 1
    finally:
        redis_cache.forget_outages()
        server.kill()


def test_a_key_forgotten_while_another_is_read_answers_as_it_was_known(
    redis_server, cache_in_redis, monkeypatch
):
    cache = cache_in_redis
    cache.set_many({"read": 1, "known": 2})
    assert cache.get_many_tracked(["read", "known"]) == {"read": 1, "known": 2}
    cache.delete("read")  # this process forgets it: the next read asks Redis for it
    redis_server.client().set(":1:known", 3)  # and another process changes the other
    time.sleep(0.05)  # its message waits on the socket
    # Read while the message arrives with the answer, not before it.
    with monkeypatch.context() as patch:
        patch.setattr(redis_tracking.TrackedKeys, "_hear", lambda self, connection: None)
        assert cache.get_many_tracked(["read", "known"]) == {"known": 2}
    assert cache.get_many_tracked(["read", "known"]) == {"known": 3}
