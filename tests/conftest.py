import pytest
from django.utils import translation

# redis_server and cache_in_redis: a Redis of the test's own.
pytest_plugins = ["tests.redis_server"]


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files go to a directory that pytest cleans up."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (in CI's second pass, a Redis database of its own)."""
    from django.core.cache import cache, caches

    from articles.public import popularity

    cache.clear()
    caches["pages"].clear()  # pages kept in this process too
    popularity.take_buffered()  # nor any views counted in memory


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language, whatever the last one activated."""
    with translation.override("kk"):
        yield


@pytest.fixture
def roles():
    """The desk's role groups, which a test with real transactions finds emptied."""
    import importlib

    from django.contrib.auth.models import Group, Permission

    site = importlib.import_module("articles.migrations.0022_site_identity_and_pages")
    grants = [{"Editors": site.EDITORS_MAY}]
    for migration in ("0003_roles", "0006_roles_for_tags_and_images"):
        grants.append(importlib.import_module(f"articles.migrations.{migration}").ROLES)
    for granted in grants:
        for name, codenames in granted.items():
            group, _created = Group.objects.get_or_create(name=name)
            group.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label="articles", codename__in=codenames
                )
            )


@pytest.fixture
def tiny_png() -> bytes:
    """A real 3x2 PNG, made with Pillow."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (3, 2), "teal").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture(autouse=True, scope="session")
def _live_server_answers_one_at_a_time_on_sqlite():
    """The live server answers each request in a thread of its own, and on SQLite they all
    share the tests' one in-memory connection: a page and its script's request at once
    misuse it ("bad parameter or other API misuse"). There, they are answered in turn."""
    import threading

    from django.core.servers.basehttp import ThreadedWSGIServer
    from django.db import connection
    from django.test.testcases import LiveServerThread

    if connection.vendor != "sqlite":
        yield
        return

    class OneAtATime(ThreadedWSGIServer):
        def set_app(self, application):
            lock = threading.Lock()

            def answer(environ, start_response):
                with lock:
                    return application(environ, start_response)

            super().set_app(answer)

    original = LiveServerThread.server_class
    LiveServerThread.server_class = OneAtATime
    yield
    LiveServerThread.server_class = original
