import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language, whatever the last one activated."""
    with translation.override("kk"):
        yield
