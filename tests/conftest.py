import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files go to a directory that pytest cleans up."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (in CI's second pass, a Redis database of its own)."""
    from django.core.cache import cache

    from articles import content_version, page_cache, popularity

    cache.clear()
    content_version.forget_in_process()
    page_cache.forget_in_process()
    popularity.take_buffered()  # nor any views counted in memory


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language, whatever the last one activated."""
    with translation.override("kk"):
        yield


@pytest.fixture
def tiny_png() -> bytes:
    """A real 3x2 PNG, made with Pillow."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (3, 2), "teal").save(buffer, "PNG")
    return buffer.getvalue()
