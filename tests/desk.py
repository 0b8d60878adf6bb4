"""Helpers for desk tests: users in roles, and change forms as browsers post them."""

import itertools

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP, hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from articles.editions.languages import translated_text
from articles.models import LANGUAGE_CODES, Article, LanguageAssignment
from newsroom.accounts import two_factor

_numbers = itertools.count(1)
TEXT_FIELDS = translated_text(Article)


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
    """The client signed in as `user`, with a code too where one is due (as the code step does)."""
    client.force_login(user)
    if two_factor.is_required(user) or two_factor.has_authenticator(user):
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = authenticator_of(user).persistent_id
        session.save()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def authenticator_of(user) -> TOTPDevice:
    """The user's confirmed authenticator app, set up now if they have none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


def next_code(device: TOTPDevice) -> str:
    """The code the user's app shows now. Each code works once: for a second sign-in within the
    same 30 seconds, the next step's, which the server accepts as a clock slightly ahead."""
    device.refresh_from_db()
    now = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    step = max(now.t(), device.last_t + 1)
    return f"{hotp(device.bin_key, step, device.digits):0{device.digits}d}"


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
