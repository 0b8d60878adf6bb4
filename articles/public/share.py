"""The pictures shared links show (articles/media/share_images.py), at their addresses.

A story's are answered only while it is live in the edition asked for, like
its page: a scheduled headline is not given away by its card.
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from django.views.decorators.http import require_GET

from articles.caching import edge
from articles.editions.languages import localized
from articles.media import share_images
from articles.models import Article
from articles.public.identity import site_identity, site_name

# A picture's address names what it is made of (?v=): kept long, like a rendition.
KEPT = "public, max-age=604800"


@require_GET
def article_image(request: HttpRequest, pk: int, shape: str) -> HttpResponse:
    language = translation.get_language()
    if shape not in share_images.SHAPES:
        raise Http404("No such shape.")
    article = (
        Article.objects.published(language)
        .select_related("cover_image")
        .only(localized("title", language), "cover_image")
        .filter(pk=pk)
        .first()
    )
    if article is None:
        raise Http404("No such article.")
    image = article.cover_image
    if image is not None and image.file:
        content = share_images.cover(image, shape)
    else:
        title = getattr(article, localized("title", language))
        content = share_images.card(
            title, site_name(language), site_identity().accent_colour, shape
        )
    edge.tag(edge.article(pk))
    return answer(content)


@require_GET
def site_image(request: HttpRequest) -> HttpResponse:
    language = translation.get_language()
    identity = site_identity()
    words = getattr(identity, localized("tagline", language), None) or site_name(language)
    content = share_images.card(
        words, site_name(language), identity.accent_colour, share_images.SOCIAL
    )
    return answer(content)


def answer(content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type="image/jpeg")
    response["Cache-Control"] = KEPT
    return response
