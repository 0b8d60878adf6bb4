"""Times the desk's pages in one process, on a generated archive in PostgreSQL.

    .venv/bin/python tools/desk_timing.py [--articles 100000] [--rounds 5]

The archive is the one `make bench` keeps, `newsroom_bench_<N>`, made here
as tools/search_timing.py makes its own (`manage.py generate_archive
--articles N --seed 1`) if it is missing; drop it to make it again.
Each page an editor opens all day is asked for through Django's test
client, signed in as a chief editor (made on the first run, with an
authenticator, as the desk asks): the article list plain, filtered and
searched, a change form, its history, the agenda, the dashboard and the
media library. It prints the p50, p95 and slowest time of each, after one
untimed request, and marks what is over the target (TARGET_MS, on the
server). Nothing is cached between requests but what the desk caches itself.

Then it uploads a 12-megapixel JPEG through the media library's add form, as
production runs it (TASKS_BACKEND=database: the renditions are queued for the
worker), against UPLOAD_TARGET_MS; the pictures go to a temporary MEDIA_ROOT
and are deleted with their queued tasks afterwards.

`--postgres` names the server (default postgres://postgres@127.0.0.1:5432).
"""

import argparse
import io
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from search_timing import prepare_database  # the same archive, made and kept alike

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 300
UPLOAD_TARGET_MS = 1000
PHOTO_SIZE = (4000, 3000)  # 12 megapixels
PLAIN_STATIC_FILES = "django.contrib.staticfiles.storage.StaticFilesStorage"
SEED = 1


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5, help="Timed requests per page.")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    return parser.parse_args()


def signed_in_client():
    """A test client signed in as the timing's chief editor, second factor given."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    User = get_user_model()
    chief = User.objects.filter(username="desk-timing").first()
    if chief is None:
        chief = User.objects.create_superuser("desk-timing", "", None)
    device, _made = TOTPDevice.objects.get_or_create(
        user=chief, name="desk-timing", defaults={"confirmed": True}
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="kk")
    client.force_login(chief)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def desk_pages() -> dict[str, str]:
    from django.urls import reverse

    from articles.models import Article, Category

    newest = Article.objects.order_by("-pk").first()
    category = Category.objects.order_by("pk").first()
    word = (newest.title_kk or newest.title_ru or newest.title_en or "").split()[0]
    articles = reverse("admin:articles_article_changelist")
    return {
        "Article list": articles,
        "Article list, scheduled": f"{articles}?desk=scheduled",
        "Article list, needs translation into English": f"{articles}?translate=en",
        "Article list, a category's published": (
            f"{articles}?status__exact=published&category__id__exact={category.pk}"
        ),
        "Article list, searched": f"{articles}?q={word}",
        "Article list, page 100": f"{articles}?p=100",
        "Change form, the newest article": reverse(
            "admin:articles_article_change", args=[newest.pk]
        ),
        "Add form": reverse("admin:articles_article_add"),
        "History, the newest article": reverse("admin:articles_article_history", args=[newest.pk]),
        "Agenda": reverse("admin:articles_article_agenda"),
        "Dashboard": reverse("admin:articles_article_dashboard"),
        "Media library": reverse("admin:articles_image_changelist"),
    }


def photo() -> bytes:
    """A 12-megapixel JPEG with a photo's detail (noise over shapes): about 5 MB."""
    from PIL import Image

    shapes = Image.effect_mandelbrot(PHOTO_SIZE, (-2, -1.2, 1, 1.2), 100).convert("RGB")
    grain = Image.effect_noise(PHOTO_SIZE, 40).convert("RGB")
    buffer = io.BytesIO()
    Image.blend(shapes, grain, 0.3).save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


def upload_times(client, rounds: int) -> list[float]:
    """Milliseconds for each upload-and-save of a 12-megapixel JPEG in the media library."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse
    from django_tasks_db.models import DBTaskResult

    from articles.models import Image

    content = photo()
    address = reverse("admin:articles_image_add")
    before = set(Image.objects.values_list("pk", flat=True))
    times = []
    try:
        for number in range(rounds + 1):
            fields = {"file": SimpleUploadedFile(f"timing-{number}.jpg", content)}
            fields |= {f"alt_{code}": "Desk timing" for code in ("kk", "ru", "en")}
            fields |= {"focal_x": 50, "focal_y": 50}  # as the form offers them
            started = time.perf_counter()
            response = client.post(address, fields)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 302:
                errors = getattr(response.context_data.get("adminform"), "form", None)
                raise SystemExit(
                    f"The upload answered {response.status_code}: {errors and errors.errors}"
                )
            if number:  # the first one warms up
                times.append(elapsed)
    finally:
        made = Image.objects.exclude(pk__in=before)
        DBTaskResult.objects.filter(
            args_kwargs__args__0__in=list(made.values_list("pk", flat=True))
        ).delete()
        made.delete()
    return sorted(times)


def report(name: str, times: list[float], target: float) -> bool:
    """Prints a line of timings; True when the slowest is over `target`."""
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    mark = "" if times[-1] <= target else "  over the target"
    print(
        f"  {name:48} p50 {statistics.median(times):6.1f} ms  p95 {p95:6.1f}"
        f"  slowest {times[-1]:6.1f}{mark}"
    )
    return bool(mark)


def main() -> int:
    options = arguments()
    database = f"newsroom_bench_{options.articles}"
    os.environ.update(
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        DATABASE_URL=f"{options.postgres}/{database}",
        DEBUG="0",
        SECRET_KEY=os.environ.get("SECRET_KEY", "desk-timing"),
        ALLOWED_HOSTS="testserver",
        SECURE_SSL_REDIRECT="0",
        LOG_LEVEL="ERROR",
        # As production runs: renditions are the worker's, uploads land in a scratch folder.
        TASKS_BACKEND="database",
        MEDIA_ROOT=(media := tempfile.mkdtemp(prefix="desk-timing-media-")),
    )
    os.environ.pop("REDIS_URL", None)
    prepare_database(options, database)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    # No collectstatic for a measurement: static addresses without the manifest's hashes.
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": PLAIN_STATIC_FILES}}
    client = signed_in_client()
    over = 0
    print(f"{options.articles:,} articles, {options.rounds} requests a page, target {TARGET_MS} ms")
    for name, address in desk_pages().items():
        response = client.get(address)
        if response.status_code != 200:
            print(f"{name}: answered {response.status_code} ({address})")
            return 1
        times = []
        for _ in range(options.rounds):
            started = time.perf_counter()
            client.get(address)
            times.append((time.perf_counter() - started) * 1000)
        over += report(name, sorted(times), TARGET_MS)
    print(f"Upload and save, target {UPLOAD_TARGET_MS} ms")
    over += report("A 12-megapixel JPEG", upload_times(client, options.rounds), UPLOAD_TARGET_MS)
    shutil.rmtree(media, ignore_errors=True)
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
