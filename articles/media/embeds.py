"""Videos and posts in a story: an address on its own line becomes a click-to-load card.

The editor pastes a YouTube, Vimeo, X, Telegram or Instagram address as a
paragraph of its own. The body keeps that address, as the sanitiser keeps
any text: no iframe is ever stored, and the sanitiser refuses every one.
When the article is saved, each new address gets an Embed row, and a task
asks the provider's oEmbed endpoint (where it has one) for the title and
thumbnail, once; the thumbnail is kept in our media storage.

Readers get a card: the thumbnail, the title and the provider's name, a
link to the post. Nothing comes from the provider until the reader clicks:
then static/js/embeds.js puts the provider's player in its place, and the
page's Content-Security-Policy allows frames from that provider alone
(`frame_policy()`). Without JavaScript the card is a link to the post.
"""

import io
import json
import logging
import re
import urllib.request
from dataclasses import dataclass
from html import unescape
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.tasks import task
from django.utils import timezone
from django.utils.csp import build_policy
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from PIL import Image

from articles.editions.languages import EDITIONS, localized
from articles.models import Article
from articles.models.embed import Embed

logger = logging.getLogger(__name__)

# An address on a line of its own: the paragraph holds nothing else (a link to itself, at most).
PARAGRAPH = re.compile(
    r'<p>\s*(?:<a\b[^>]*\bhref="(?P<href>[^"]+)"[^>]*>\s*)?(?P<text>https://[^\s<"]+)\s*'
    r"(?:</a>\s*)?</p>",
    re.I,
)
TAIL = r"(?:[/?&#][^\s]*)?$"  # what may follow an address's identifying part
TIMEOUT = 5  # seconds for each request to a provider
MAX_ANSWER = 256 * 1024
MAX_THUMBNAIL = 4 * 1024 * 1024
THUMBNAIL_WIDTH = 1280


@dataclass(frozen=True)
class Provider:
    name: str
    label: str
    address: re.Pattern
    frame: str  # the player's address, from the address's named groups
    video: bool  # a video (16:9, VideoObject), or a post


PROVIDERS = (
    Provider(
        "youtube",
        "YouTube",
        re.compile(
            r"https://(?:www\.|m\.)?(?:youtube\.com/(?:watch\?(?:[^#\s]*&)?v=|shorts/|live/)"
            r"|youtu\.be/)(?P<id>[\w-]{11})" + TAIL
        ),
        "https://www.youtube-nocookie.com/embed/{id}?autoplay=1",
        video=True,
    ),
    Provider(
        "vimeo",
        "Vimeo",
        re.compile(r"https://(?:www\.)?vimeo\.com/(?P<id>\d+)" + TAIL),
        "https://player.vimeo.com/video/{id}?autoplay=1",
        video=True,
    ),
    Provider(
        "x",
        "X",
        re.compile(
            r"https://(?:www\.|mobile\.)?(?:x|twitter)\.com/\w{1,15}/status/(?P<id>\d+)" + TAIL
        ),
        "https://platform.twitter.com/embed/Tweet.html?id={id}",
        video=False,
    ),
    Provider(
        "telegram",
        "Telegram",
        re.compile(r"https://t\.me/(?P<channel>[A-Za-z]\w{3,31})/(?P<id>\d+)" + TAIL),
        "https://t.me/{channel}/{id}?embed=1",
        video=False,
    ),
    Provider(
        "instagram",
        "Instagram",
        re.compile(r"https://(?:www\.)?instagram\.com/(?:p|reel)/(?P<id>[\w-]+)" + TAIL),
        "https://www.instagram.com/p/{id}/embed",
        video=False,
    ),
)
PROVIDERS_BY_NAME = {provider.name: provider for provider in PROVIDERS}
# Each provider's oEmbed endpoint, where it has one (Telegram has none; Instagram's asks
# for an app's token), and the hosts its thumbnails may come from.
OEMBED_ENDPOINTS = {
    "youtube": "https://www.youtube.com/oembed",
    "vimeo": "https://vimeo.com/api/oembed.json",
    "x": "https://publish.twitter.com/oembed",
}
THUMBNAIL_HOSTS = {"youtube": {"i.ytimg.com"}, "vimeo": {"i.vimeocdn.com"}}
SCHEMES = {"https"}


@dataclass(frozen=True)
class Found:
    """An address in a body that a provider plays, and what is known of it."""

    url: str
    provider: Provider
    frame: str
    embed: Embed | None = None

    @property
    def origin(self) -> str:
        parts = urlsplit(self.frame)
        return f"{parts.scheme}://{parts.netloc}"


def recognised(url: str) -> tuple[Provider, str] | None:
    """The provider that plays `url`, and its player's address; None for any other."""
    for provider in PROVIDERS:
        if match := provider.address.match(url):
            return provider, provider.frame.format(**match.groupdict())
    return None


def addresses(body: str) -> list[str]:
    """The addresses a body has on lines of their own that a provider plays, in order."""
    found = []
    for paragraph in PARAGRAPH.finditer(body or ""):
        url = unescape(paragraph["text"])
        href = paragraph["href"]
        if (href is None or unescape(href) == url) and recognised(url) and url not in found:
            found.append(url)
    return found


def found_in(body: str) -> list[Found]:
    """The body's embeds with their rows (one query, only when the body has any)."""
    urls = addresses(body)
    if not urls:
        return []
    rows = {embed.url: embed for embed in Embed.objects.filter(url__in=urls)}
    return [Found(url, *recognised(url), rows.get(url)) for url in urls]


def with_cards(html: SafeString, embedded: list[Found]) -> SafeString:
    """The body with each embed's paragraph replaced by its click-to-load card."""
    if not embedded:
        return html
    by_url = {found.url: found for found in embedded}

    def card(paragraph: re.Match) -> str:
        found = by_url.get(unescape(paragraph["text"]))
        if found is None or (paragraph["href"] and unescape(paragraph["href"]) != found.url):
            return paragraph.group(0)
        return card_html(found)

    return mark_safe(PARAGRAPH.sub(card, html))


def card_html(found: Found) -> SafeString:
    embed, provider = found.embed, found.provider
    title = (embed.title if embed else "") or gettext("Post on %(provider)s") % {
        "provider": provider.label
    }
    thumbnail = SafeString("")
    if embed and embed.thumbnail and embed.thumbnail_width:
        thumbnail = format_html(
            '<img src="{}" width="{}" height="{}" alt="" loading="lazy" decoding="async">',
            embed.thumbnail.url,
            embed.thumbnail_width,
            embed.thumbnail_height,
        )
    action = gettext("Play on %(provider)s") if provider.video else gettext("Show on %(provider)s")
    return format_html(
        '<figure class="embed embed-{kind}">'
        '<a class="embed-card" href="{url}" data-frame="{frame}" data-title="{title}" '
        'rel="noopener nofollow">{thumbnail}<span class="embed-action">{action}</span></a>'
        "<figcaption>{title}</figcaption></figure>",
        kind="video" if provider.video else "post",
        url=found.url,
        frame=found.frame,
        title=title,
        thumbnail=thumbnail,
        action=action % {"provider": provider.label},
    )


def frame_policy(embedded: list[Found]) -> str | None:
    """The page's Content-Security-Policy with frames from its embeds' players alone."""
    origins = sorted({found.origin for found in embedded})
    if not origins:
        return None
    return build_policy({**settings.SECURE_CSP, "frame-src": origins}, nonce=None)


# Fetching, once per address


@receiver(post_save, sender=Article, dispatch_uid="articles.embeds.note_embeds")
def note_embeds(sender, instance: Article, raw: bool = False, **kwargs) -> None:
    """A row for each address an article's bodies embed, fetched once its save commits."""
    if raw:
        return
    urls = []
    for code in EDITIONS:
        urls += addresses(getattr(instance, localized("body", code)) or "")
    known = set(Embed.objects.filter(url__in=urls).values_list("url", flat=True))
    for url in dict.fromkeys(urls):
        if url in known:
            continue
        provider, _frame = recognised(url)
        embed, created = Embed.objects.get_or_create(url=url, defaults={"provider": provider.name})
        if created and provider.name in OEMBED_ENDPOINTS:
            transaction.on_commit(lambda pk=embed.pk: fetch_embed.enqueue(pk))


@task
def fetch_embed(embed_id: int) -> bool:
    """In the worker: the title and thumbnail from the provider's oEmbed answer."""
    embed = Embed.objects.filter(pk=embed_id, fetched_at__isnull=True).first()
    if embed is None:
        return False
    try:
        answer = json.loads(fetched(oembed_address(embed), MAX_ANSWER))
        if not isinstance(answer, dict):
            raise ValueError("the answer is not a JSON object")
        embed.title = str(answer.get("title") or "")[:300]
        embed.author_name = str(answer.get("author_name") or "")[:200]
        thumbnail = answer.get("thumbnail_url")
        if isinstance(thumbnail, str) and is_thumbnail_address(embed.provider, thumbnail):
            embed.thumbnail.save(
                f"{embed.provider}-{embed.pk}.jpg", thumbnail_of(thumbnail), save=False
            )
    except (OSError, ValueError) as problem:
        embed.problem = f"{type(problem).__name__}: {problem}"[:300]
        logger.warning("No oEmbed answer for %s: %s", embed.url, problem)
    embed.fetched_at = timezone.now()
    embed.save()
    return not embed.problem


def oembed_address(embed: Embed) -> str:
    return f"{OEMBED_ENDPOINTS[embed.provider]}?{urlencode({'url': embed.url, 'format': 'json'})}"


def fetched(address: str, limit: int) -> bytes:
    """The body of a GET of `address`, refused past `limit` bytes or TIMEOUT seconds."""
    if urlsplit(address).scheme not in SCHEMES:
        raise ValueError(f"not an address to fetch: {address}")
    request = urllib.request.Request(address, headers={"User-Agent": "Newsroom (oEmbed)"})
    with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:  # noqa: S310 (checked above)
        content = answer.read(limit + 1)
    if len(content) > limit:
        raise ValueError(f"the answer is larger than {limit} bytes")
    return content


def is_thumbnail_address(provider: str, address: str) -> bool:
    parts = urlsplit(address)
    return parts.scheme in SCHEMES and parts.hostname in THUMBNAIL_HOSTS.get(provider, set())


def thumbnail_of(address: str) -> ContentFile:
    """The thumbnail re-encoded as JPEG, at most THUMBNAIL_WIDTH wide: nothing of the
    provider's file but its pixels."""
    with Image.open(io.BytesIO(fetched(address, MAX_THUMBNAIL))) as picture:
        picture = picture.convert("RGB")
        if picture.width > THUMBNAIL_WIDTH:
            height = round(picture.height * THUMBNAIL_WIDTH / picture.width)
            picture = picture.resize((THUMBNAIL_WIDTH, height), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        picture.save(buffer, "JPEG", quality=82, optimize=True)
    return ContentFile(buffer.getvalue())
