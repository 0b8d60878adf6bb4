"""This code's identity: a deploy makes new ETags and new cache keys.

RELEASE in the environment (a commit id, say) names it; otherwise the newest
modification time among the code and templates does, the same in every
process of one installation. Cached pages and fragments are keyed by it too,
so that a deploy never serves what the previous templates made.
"""

import hashlib
import os
from pathlib import Path

from django.conf import settings


def release() -> str:
    if configured := os.environ.get("RELEASE"):
        return configured
    base = Path(settings.BASE_DIR)
    newest = max(
        (
            path.stat().st_mtime_ns
            for folder in ("articles", "newsroom", "templates", "locale")
            for path in (base / folder).rglob("*")
            if path.is_file()
        ),
        default=0,
    )
    return hashlib.blake2b(str(newest).encode(), digest_size=4).hexdigest()


RELEASE = release()
