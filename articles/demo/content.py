"""Demo content, so that a newcomer's first `make run` shows a real site.

The stories live in stories.json, beside this module (one object per article, a block per
language it is translated into); categories and authors are declared here.
Cover images are drawn with Pillow, never downloaded.
"""

import io
import json
import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from articles import workflow
from articles.models import (
    LANGUAGE_CODES,
    Article,
    Author,
    Byline,
    Category,
    SiteIdentity,
    Source,
    StaticPage,
    localized,
)
from articles.models import Image as Picture

STORIES_FILE = Path(__file__).parent / "stories.json"
# The site's identity, its static pages (About, Contacts, Privacy…) and the sources' names.
SITE_FILE = Path(__file__).parent / "site.json"
EDITOR_USERNAME = "editor"
COVER_SIZE = (1200, 675)

CATEGORIES = {
    "politics": {
        "name": {"kk": "Саясат", "ru": "Политика", "en": "Politics"},
        "description": {
            "kk": "Парламент, үкімет және халықаралық қатынастар.",
            "ru": "Парламент, правительство и международные отношения.",
            "en": "Parliament, government and international relations.",
        },
        "colours": ("#0b3d91", "#4f83cc"),
    },
    "economy": {
        "name": {"kk": "Экономика", "ru": "Экономика", "en": "Economy"},
        "description": {
            "kk": "Бюджет, өнеркәсіп, ауыл шаруашылығы және көлік.",
            "ru": "Бюджет, промышленность, сельское хозяйство и транспорт.",
            "en": "The budget, industry, farming and transport.",
        },
        "colours": ("#00695c", "#4db6ac"),
    },
    "society": {
        "name": {"kk": "Қоғам", "ru": "Общество", "en": "Society"},
        "description": {
            "kk": "Білім, денсаулық, қалалар мен ауылдар өмірі.",
            "ru": "Образование, здравоохранение, жизнь городов и сёл.",
            "en": "Education, health, and life in cities and villages.",
        },
        "colours": ("#8e24aa", "#ce93d8"),
    },
    "sport": {
        "name": {"kk": "Спорт", "ru": "Спорт", "en": "Sport"},
        "description": {
            "kk": "Футбол, бокс, шахмат және басқа да жарыстар.",
            "ru": "Футбол, бокс, шахматы и другие соревнования.",
            "en": "Football, boxing, chess and other competitions.",
        },
        "colours": ("#e65100", "#ffb74d"),
    },
    "culture": {
        "name": {"kk": "Мәдениет", "ru": "Культура", "en": "Culture"},
        "description": {
            "kk": "Кино, театр, музейлер және әдебиет.",
            "ru": "Кино, театр, музеи и литература.",
            "en": "Film, theatre, museums and books.",
        },
        "colours": ("#ad1457", "#f48fb1"),
    },
}

AUTHORS = {
    "aigerim": {
        "name": {
            "kk": "Әйгерім Сәдуақасова",
            "ru": "Айгерим Садуакасова",
            "en": "Aigerim Saduakassova",
        },
        "bio": {
            "kk": "Экономика бөлімінің тілшісі, бюджет пен қаржы тақырыбын жазады.",
            "ru": "Корреспондент отдела экономики, пишет о бюджете и финансах.",
            "en": "Economy correspondent covering the budget and finance.",
        },
    },
    "daniyar": {
        "name": {"kk": "Данияр Омаров", "ru": "Данияр Омаров", "en": "Daniyar Omarov"},
        "bio": {
            "kk": "Көлік пен өңірлер тақырыбын жазатын тілші.",
            "ru": "Корреспондент, пишет о транспорте и регионах.",
            "en": "Correspondent covering transport and the regions.",
        },
    },
    "yerlan": {
        "name": {"kk": "Ерлан Қасымов", "ru": "Ерлан Касымов", "en": "Yerlan Kassymov"},
        "bio": {
            "kk": "Спорт шолушысы.",
            "ru": "Спортивный обозреватель.",
            "en": "Sports columnist.",
        },
    },
    # An author without a biography or photo, as some are.
    "anna": {
        "name": {"kk": "Анна Ковалева", "ru": "Анна Ковалёва", "en": "Anna Kovaleva"},
        "bio": {},
    },
}


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str | None  # only when the account was just created


def load_demo_content() -> bool:
    """Fill an empty database with the demo set; False when articles exist already."""
    if Article.objects.exists():
        return False
    stories = json.loads(STORIES_FILE.read_text(encoding="utf-8"))
    with transaction.atomic():
        categories = {key: create_translated(Category, spec) for key, spec in CATEGORIES.items()}
        authors = {key: create_translated(Author, spec) for key, spec in AUTHORS.items()}
        for story in stories:
            create_story(story, categories, authors)
        describe_the_site(json.loads(SITE_FILE.read_text(encoding="utf-8")))
    return True


def describe_the_site(site: dict) -> None:
    """The demo identity's words and links, the sources' names, and its static pages."""
    identity = SiteIdentity.load()
    for field, texts in site["identity"].items():
        if field != "social_links":
            for code, text in texts.items():
                setattr(identity, localized(field, code), text)
    identity.save()
    identity.social_links.all().delete()
    for position, (network, url) in enumerate(site["identity"]["social_links"]):
        identity.social_links.create(network=network, url=url, position=position)
    for source in site["sources"]:
        names = {localized("name", code): name for code, name in source["name"].items()}
        Source.objects.create(credit=source["credit"], **names)
    for position, page in enumerate(site["pages"]):
        fields = {"position": position}
        for field in ("title", "body"):
            fields |= {localized(field, code): text for code, text in page[field].items()}
        StaticPage.objects.create(**fields)


def create_translated(model, spec: dict):
    fields = {}
    for field in ("name", "description", "bio"):
        for code, text in spec.get(field, {}).items():
            fields[localized(field, code)] = text
    return model.objects.create(**fields)


def create_story(story: dict, categories: dict, authors: dict) -> Article:
    """The story written as a draft, then published, scheduled or withdrawn as the desk does it.

    Loading the demo is no news: the desk's actions are not announced.
    """
    now = timezone.now()
    status = story.get("status", "published")
    article = Article(
        category=categories[story["category"]],
        featured=story.get("featured", False),
        source=story.get("source", ""),
    )
    for code in LANGUAGE_CODES:
        if code not in story:
            continue
        for field, text in story[code].items():
            if field != "cover_caption":  # the caption belongs to the picture
                setattr(article, localized(field, code), text)
    if story.get("cover"):
        article.cover_image = create_cover(story)
    article.save()
    for position, key in enumerate(story.get("authors", [])):
        Byline.objects.create(article=article, author=authors[key], position=position)
    if status == "draft":
        return article
    went_live = now - timedelta(hours=story["hours_ago"])
    at = now + timedelta(days=1) if status == "scheduled" else went_live
    workflow.article_publish(article, None, at=at, quiet=True)
    if status == "withdrawn":
        workflow.article_withdraw(article, None, reason=story["withdrawal_reason"], quiet=True)
    return article


def create_cover(story: dict) -> Picture:
    """The story's cover in the media library, described in each language it is written in."""
    picture = Picture(credit="Newsroom")
    for code in LANGUAGE_CODES:
        caption = story.get(code, {}).get("cover_caption", "")
        setattr(picture, localized("caption", code), caption)
        setattr(picture, localized("alt", code), caption)
    picture.file.save(f"{story['key']}.jpg", draw_cover(story), save=False)
    picture.save()
    return picture


def draw_cover(story: dict) -> ContentFile:
    """A JPEG in the category's colours: a gradient with a few shapes, unique per story."""
    start, end = (hex_to_rgb(c) for c in CATEGORIES[story["category"]]["colours"])
    width, height = COVER_SIZE
    mask = Image.linear_gradient("L").rotate(90).resize(COVER_SIZE)
    image = Image.composite(
        Image.new("RGB", COVER_SIZE, start), Image.new("RGB", COVER_SIZE, end), mask
    )
    draw = ImageDraw.Draw(image)
    seed = sum(story["key"].encode())
    for index in range(5):
        x = (seed * (index + 3) * 97) % width
        y = (seed * (index + 5) * 53) % height
        radius = 60 + (seed * (index + 1)) % 160
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), outline="white", width=6)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=82, optimize=True)
    return ContentFile(buffer.getvalue())


def hex_to_rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))


def ensure_demo_editor() -> DemoAccount:
    """A local superuser for trying the admin, with a generated password (never a fixed one)."""
    User = get_user_model()
    if User.objects.filter(username=EDITOR_USERNAME).exists():
        return DemoAccount(EDITOR_USERNAME, None)
    password = secrets.token_urlsafe(12)
    User.objects.create_superuser(EDITOR_USERNAME, email="", password=password)
    return DemoAccount(EDITOR_USERNAME, password)
