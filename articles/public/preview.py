"""Signed, expiring links that show an article in any state as readers would see it.

A token names one article in one language. It is signed with Django's
signing (a dedicated salt) and stops working PREVIEW_MAX_AGE seconds after
it was issued, so an editor can share it with someone who has no account.
"""

import time

from django.conf import settings
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from articles.media import embeds
from articles.models import EDITIONS, Article, localized
from articles.public import views

SALT = "articles.public.preview"
DEFAULT_MAX_AGE = 7 * 24 * 60 * 60


class InvalidPreviewToken(Exception):
    """The preview token is malformed, tampered with or expired."""


def max_age() -> int:
    return getattr(settings, "PREVIEW_MAX_AGE", DEFAULT_MAX_AGE)


def make_preview_token(article: Article, language: str, *, issued: int | None = None) -> str:
    """A token that previews `article` in `language`.

    Its lifetime starts at `issued` (a Unix time, now by default): the links
    between languages on a preview page keep the lifetime of the token that
    was opened, so following them never extends it.
    """
    if language not in EDITIONS:
        raise ValueError(f"Unknown language: {language!r}")
    issued = int(time.time()) if issued is None else issued
    return signing.dumps([article.pk, language, issued], salt=SALT)


def unsign(token: str) -> tuple[int, str, int]:
    """The article pk, language and issue time in a valid token."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=max_age())
    except signing.SignatureExpired as error:
        raise InvalidPreviewToken("The preview link has expired.") from error
    except signing.BadSignature as error:
        raise InvalidPreviewToken("The preview link is not valid.") from error
    match payload:
        case [int() as pk, str() as language, int() as issued] if language in EDITIONS:
            pass
        case _:
            raise InvalidPreviewToken("The preview link is not valid.")
    if time.time() - issued > max_age():
        raise InvalidPreviewToken("The preview link has expired.")
    return pk, language, issued


def read_preview_token(token: str) -> tuple[int, str]:
    """The article pk and language a token previews; InvalidPreviewToken if it cannot."""
    pk, language, _issued = unsign(token)
    return pk, language


def preview_path(article: Article, language: str, *, issued: int | None = None) -> str:
    token = make_preview_token(article, language, issued=issued)
    return reverse("article-preview", kwargs={"token": token})


def preview_url(article: Article, language: str) -> str:
    """The absolute preview address to share, e.g. from the admin."""
    return settings.SITE_URL + preview_path(article, language)


@require_GET
@never_cache
def article_preview(request: HttpRequest, token: str) -> HttpResponse:
    """The article page in the token's language, whatever the article's status."""
    try:
        pk, language, issued = unsign(token)
    except InvalidPreviewToken as error:
        raise Http404(str(error)) from error
    article = get_object_or_404(Article.objects.with_bylines(), pk=pk)
    if not article.has_language(language):
        raise Http404("The article has no title and body in this language.")

    def url_in_language(code: str) -> str | None:
        return preview_path(article, code, issued=issued) if article.has_language(code) else None

    state = article.language_state(language)
    with translation.override(language):
        # Related articles are left out: they would be found among what readers see now.
        urls = {code: url_in_language(code) for code in EDITIONS if url_in_language(code)}
        context = views.article_context(article, language, urls) | {
            "is_preview": True,
            "is_live": state == "live",
            "goes_live_at": (
                getattr(article, localized("published_at", language))
                if state == "scheduled"
                else None
            ),
        }
        response = render(request, "articles/article.html", context)
    if policy := embeds.frame_policy(context["embedded"]):
        response.headers["Content-Security-Policy"] = policy
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Content-Language"] = language
    return response
