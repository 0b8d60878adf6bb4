"""What machines read about a page: structured data (JSON-LD) and social cards.

Builders return plain dicts; templates print them with the `json_ld` filter
(articles/templatetags/metadata.py), which escapes them so no text an
editor typed can close the script element.
"""

from dataclasses import dataclass

from django.conf import settings
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _

from articles.editions.addresses import address
from articles.editions.languages import language_tag, localized
from articles.media import crops
from articles.media import share_images as sharing
from articles.models import Article, Category
from articles.public import bodies
from articles.public.identity import site_identity, site_name


def absolute(path: str) -> str:
    return path if path.startswith(("http://", "https://")) else settings.SITE_URL + path


def publisher() -> dict:
    identity = site_identity()
    if identity.logo:
        logo = (identity.logo.url, identity.logo_width, identity.logo_height)
    else:
        logo = (static("logo.png"), 600, 60)
    url, width, height = logo
    return {
        "@type": "NewsMediaOrganization",
        "name": site_name(),
        "url": absolute("/"),
        "logo": {"@type": "ImageObject", "url": absolute(url), "width": width, "height": height},
    }


@dataclass(frozen=True)
class SharedImage:
    """A picture a shared link shows (articles/media/share_images.py): its address and size."""

    url: str
    width: int
    height: int


def share_images(article: Article, language: str) -> list[SharedImage]:
    """The article's pictures at 16:9, 4:3 and 1:1: its cover cut around the focal point, or
    cards with its headline. Each address names what the picture is made of (`v`), so that a
    new headline or focal point is a new address for caches."""
    image = article.cover_image
    found = []
    for shape in sharing.SHAPES:
        if image is not None and image.file and image.width and image.height:
            box = crops.crop_box(
                image.width, image.height, crops_shape(shape), image.focal_x, image.focal_y
            )
            name = sharing.cover_name(image, shape)
            width, height = sharing.size_of(shape, box[2] - box[0])
        else:
            name = sharing.card_name(
                article.title_in(language),
                site_name(language),
                site_identity().accent_colour,
                shape,
            )
            width, height = sharing.size_of(shape)
        path = address("articles:share-image", language, pk=article.pk, shape=shape)
        found.append(SharedImage(absolute(f"{path}?v={version_of(name)}"), width, height))
    return found


def site_share_image(language: str) -> SharedImage:
    """The edition's own card, for list pages: its name and tagline on its colour."""
    identity = site_identity()
    words = getattr(identity, localized("tagline", language), None) or site_name(language)
    name = sharing.card_name(words, site_name(language), identity.accent_colour, sharing.SOCIAL)
    width, height = sharing.size_of(sharing.SOCIAL)
    path = address("articles:site-share-image", language)
    return SharedImage(absolute(f"{path}?v={version_of(name)}"), width, height)


def version_of(name: str) -> str:
    """The digest in a share image's stored name: share/card-<digest>.jpg."""
    return name.rsplit("-", 1)[-1].removesuffix(".jpg")


def crops_shape(shape: str) -> crops.Shape:
    return sharing.SHAPES[shape]


def news_article(article: Article, language: str) -> dict:
    """schema.org NewsArticle for an article page in `language`."""
    url = absolute(article.get_absolute_url(language))
    published = article.published_at
    modified = article.updated_in(language) or published
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title[:110],
        "description": article.summary,
        "datePublished": published.isoformat() if published else None,
        "dateModified": modified.isoformat() if modified else None,
        "inLanguage": language_tag(language),
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "publisher": publisher(),
        "author": [
            {"@type": "Person", "name": author.name, "url": absolute(author.get_absolute_url())}
            for author in article.byline_authors
        ]
        or publisher(),
    }
    if article.category:
        data["articleSection"] = article.category.name
    data["image"] = [shared.url for shared in share_images(article, language)]
    return {key: value for key, value in data.items() if value is not None}


def image_gallery(article: Article, language: str) -> dict | None:
    """schema.org ImageGallery for the pictures set as a gallery in the body, if any."""
    pictures = bodies.gallery_pictures(article.body_in(language))
    if not pictures:
        return None
    return {
        "@context": "https://schema.org",
        "@type": "ImageGallery",
        "name": article.title_in(language),
        "url": absolute(article.get_absolute_url(language)),
        "associatedMedia": [
            {
                "@type": "ImageObject",
                "contentUrl": absolute(src),
                **({"caption": text} if text else {}),
            }
            for src, text in pictures
        ],
    }


def videos(article: Article, language: str, embedded: list) -> list[dict]:
    """schema.org VideoObject for each embedded video whose title and thumbnail are known
    (what Google asks of one); its upload date is when the story went live."""
    published = article.published_at
    found = []
    for video in embedded:
        embed = video.embed
        if not (video.provider.video and embed and embed.title and embed.thumbnail and published):
            continue
        found.append(
            {
                "@context": "https://schema.org",
                "@type": "VideoObject",
                "name": embed.title,
                "thumbnailUrl": [absolute(embed.thumbnail.url)],
                "uploadDate": published.isoformat(),
                "embedUrl": video.frame.replace("?autoplay=1", ""),
                "url": video.url,
            }
        )
    return found


def breadcrumbs(*trail: tuple[str, str]) -> dict:
    """schema.org BreadcrumbList from (name, path) pairs, home first."""
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": number, "name": name, "item": absolute(path)}
            for number, (name, path) in enumerate(trail, start=1)
        ],
    }


def article_breadcrumbs(article: Article) -> dict:
    trail = [(_("Home"), reverse("articles:home"))]
    if article.category:
        trail.append((article.category.name, article.category.get_absolute_url()))
    trail.append((article.title, article.get_absolute_url()))
    return breadcrumbs(*trail)


def category_breadcrumbs(category: Category) -> dict:
    return breadcrumbs(
        (_("Home"), reverse("articles:home")), (category.name, category.get_absolute_url())
    )


def website() -> dict:
    """schema.org WebSite for the home page, with the site search when there is one."""
    data = {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": site_name(),
        "url": absolute(reverse("articles:home")),
        "inLanguage": language_tag(translation.get_language()),
        "publisher": publisher(),
    }
    try:
        search = reverse("articles:search")
    except NoReverseMatch:  # a site without its search page
        return data
    data["potentialAction"] = {
        "@type": "SearchAction",
        "target": {"@type": "EntryPoint", "urlTemplate": absolute(search) + "?q={query}"},
        "query-input": "required name=query",
    }
    return data
