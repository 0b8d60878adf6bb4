"""Helpers for desk tests: users in roles, and change forms as browsers post them."""

import itertools

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from articles.models import LANGUAGE_CODES, Article, LanguageAssignment

_numbers = itertools.count(1)
TEXT_FIELDS = ("title", "slug", "lead", "body", "cover_caption", "correction")


def make_user(group: str | None = None, languages=(), superuser=False):
    """A staff user in a role group (Authors, Translators, Editors) or a superuser."""
    User = get_user_model()
    name = f"{(group or 'chief').lower()}{next(_numbers)}"
    if superuser:
        user = User.objects.create_superuser(name, f"{name}@example.com", "pw")
    else:
        user = User.objects.create_user(name, f"{name}@example.com", "pw", is_staff=True)
    if group:
        user.groups.add(Group.objects.get(name=group))
    for code in languages:
        LanguageAssignment.objects.create(user=user, language=code)
    return user


def signed_in(client, user):
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def change_url(article: Article) -> str:
    return reverse("admin:articles_article_change", args=[article.pk])


def change_form_data(article: Article, **changes) -> dict:
    """Everything the article's change form holds, as a browser posts it, with `changes`."""
    data = {}
    for code in LANGUAGE_CODES:
        for field in TEXT_FIELDS:
            data[f"{field}_{code}"] = getattr(article, f"{field}_{code}") or ""
        when = getattr(article, f"published_at_{code}")
        local = timezone.localtime(when) if when else None
        data[f"published_at_{code}_0"] = local.strftime("%Y-%m-%d") if local else ""
        data[f"published_at_{code}_1"] = local.strftime("%H:%M:%S") if local else ""
    data.update(
        status=article.status,
        withdrawal_reason=article.withdrawal_reason,
        original_language=article.original_language,
        category=article.category_id or "",
        cover_image=article.cover_image_id or "",
        source=article.source,
        based_on_version=article.edit_version,
    )
    if article.featured:
        data["featured"] = "on"
    bylines = list(article.bylines.all()) if article.pk else []
    data.update(
        {
            "bylines-TOTAL_FORMS": str(len(bylines)),
            "bylines-INITIAL_FORMS": str(len(bylines)),
            "bylines-MIN_NUM_FORMS": "0",
            "bylines-MAX_NUM_FORMS": "1000",
        }
    )
    for index, byline in enumerate(bylines):
        data[f"bylines-{index}-id"] = byline.pk
        data[f"bylines-{index}-article"] = article.pk
        data[f"bylines-{index}-author"] = byline.author_id
        data[f"bylines-{index}-position"] = byline.position
    data.update(changes)
    return data
