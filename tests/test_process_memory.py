"""A process's own memory of cache entries: the most recently used, up to a size."""

from articles.process_memory import ProcessMemory


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
