"""A process's own memory of cache entries: the most recently used, up to a size."""

from dataclasses import dataclass

import pytest
from django.core.cache import cache

from articles import content_version
from articles.process_memory import ProcessMemory, footprint


def test_it_keeps_what_it_was_given_and_forgets_what_it_was_not():
    memory = ProcessMemory(capacity=3)
    memory.put("a", 1)
    assert memory.get("a") == 1
    assert memory.get("b") is None
    assert memory.get("b", "default") == "default"


def test_the_least_recently_used_entries_go_first_when_it_is_full():
    memory = ProcessMemory(capacity=2)
    memory.put("a", 1)
    memory.put("b", 2)
    memory.get("a")  # now "b" was used least recently
    memory.put("c", 3)
    assert (memory.get("a"), memory.get("b"), memory.get("c")) == (1, None, 3)


def test_entries_weigh_what_the_weight_says_and_one_too_heavy_is_not_kept():
    memory = ProcessMemory(capacity=10, weight=len)
    memory.put("small", "xxxx")
    memory.put("medium", "xxxxxx")
    assert len(memory) == 2
    memory.put("another", "xxx")  # 13 > 10: the oldest goes
    assert memory.get("small") is None and memory.get("another") == "xxx"
    memory.put("huge", "x" * 11)
    assert memory.get("huge") is None and memory.get("medium") == "xxxxxx"


def test_putting_a_key_again_replaces_its_entry_and_its_weight():
    memory = ProcessMemory(capacity=10, weight=len)
    memory.put("a", "xxxxxxxx")
    memory.put("a", "xx")
    memory.put("b", "xxxxxxxx")
    assert (memory.get("a"), memory.get("b")) == ("xx", "xxxxxxxx")


def test_the_footprint_of_a_value_is_about_the_text_it_holds():
    cyrillic, latin = "Ж" * 1000, "x" * 1000
    assert 2000 <= footprint(cyrillic) < 2200
    assert 1000 <= footprint(latin) < 1200

    @dataclass(frozen=True)
    class Part:
        html: str
        urls: dict

    part = Part(html=cyrillic, urls={"kk": latin})
    assert 3000 <= footprint(part) < 3500
    assert footprint([part, part]) >= 2 * footprint(part)


@pytest.mark.django_db
def test_each_process_keeps_thousands_of_article_sized_parts_without_a_round_trip():
    # A page's own parts are about 7,000 characters of Cyrillic text; readers
    # reading 2,000 articles an hour should find every one in the process's memory.
    body = "Жаңалық " * 900
    for pk in range(2000):
        content_version.remember(lambda pk=pk: f"{pk} {body}", "part", pk)
    version = content_version.current()
    # The shared cache no longer has any of them.
    cache.delete_many([version.key("part", pk) for pk in range(2000)])

    def made_again():
        raise AssertionError("made again: the process forgot it")

    assert content_version.remember(made_again, "part", 0).startswith("0 ")
    assert content_version.remember(made_again, "part", 1999).startswith("1999 ")
