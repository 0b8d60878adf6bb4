"""Who has an article open in the admin right now, known cheaply from the cache.

Each open change form reports itself when it loads and then every
HEARTBEAT_SECONDS; an editor counts as present until a report is
PRESENT_SECONDS old. With Redis (REDIS_URL) this is shared by every
application server; with the local-memory cache only within one process.
"""

import time
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache

HEARTBEAT_SECONDS = 30
PRESENT_SECONDS = 90


@dataclass(frozen=True)
class Presence:
    user_id: int
    name: str
    seen: float


def cache_key(article_id: int) -> str:
    return f"articles:presence:{article_id}"


def mark_present(article_id: int, user: AbstractBaseUser) -> list[Presence]:
    """Record that `user` has the article open; return the others who have it open."""
    now = time.time()
    present = {
        entry.user_id: entry
        for entry in cache.get(cache_key(article_id), [])
        if now - entry.seen < PRESENT_SECONDS
    }
    name = user.get_full_name() or user.get_username()
    present[user.pk] = Presence(user.pk, name, now)
    cache.set(cache_key(article_id), list(present.values()), PRESENT_SECONDS)
    return [entry for entry in present.values() if entry.user_id != user.pk]
