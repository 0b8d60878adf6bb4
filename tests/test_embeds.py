"""Videos and posts pasted on a line of their own: click-to-load cards, fetched once, framed alone.

The providers are out of reach here: a local server stands in for their
oEmbed endpoints and thumbnail hosts, as the real ones answer.
"""

import io
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from PIL import Image as Pillow

from articles.media import embeds
from articles.models import Embed
from tests.browser import journey
from tests.factories import make_article

pytestmark = pytest.mark.django_db

VIDEO = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
POST = "https://t.me/kazinform_news/12345"


def jpeg(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Pillow.new("RGB", (width, height), "navy").save(buffer, "JPEG")
    return buffer.getvalue()


class Provider(BaseHTTPRequestHandler):
    """An oEmbed endpoint and a thumbnail host, answering as YouTube's do."""

    status = 200
    asked: list[str] = []
    answer: dict | None = None  # what the oEmbed endpoint says, if not the usual

    def do_GET(self):  # noqa: N802 (http.server's name)
        Provider.asked.append(self.path)
        if self.path.startswith("/oembed"):
            host = f"http://127.0.0.1:{self.server.server_port}"
            body = json.dumps(
                Provider.answer
                or {
                    "title": "Astana at night, from the air",
                    "author_name": "Newsroom",
                    "thumbnail_url": f"{host}/vi/dQw4w9WgXcQ/hqdefault.jpg",
                }
            ).encode()
            kind = "application/json"
        else:
            body, kind = jpeg(1920, 1080), "image/jpeg"
        self.send_response(Provider.status)
        self.send_header("Content-Type", kind)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def provider(monkeypatch):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Provider)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    address = f"http://127.0.0.1:{server.server_port}"
    monkeypatch.setitem(embeds.OEMBED_ENDPOINTS, "youtube", f"{address}/oembed")
    monkeypatch.setitem(embeds.THUMBNAIL_HOSTS, "youtube", {"127.0.0.1"})
    monkeypatch.setattr(embeds, "SCHEMES", {"https", "http"})
    Provider.status, Provider.asked, Provider.answer = 200, [], None
    yield Provider
    server.shutdown()


def save_with_body(body: str, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return make_article(body_en=body)


def test_a_video_address_on_its_own_line_becomes_a_card_fetched_once(
    client, provider, django_capture_on_commit_callbacks
):
    article = save_with_body(
        f"<p>The city by night:</p><p>{VIDEO}</p><p>More below.</p>",
        django_capture_on_commit_callbacks,
    )
    embed = Embed.objects.get(url=VIDEO)
    assert embed.title == "Astana at night, from the air" and embed.fetched_at
    assert embed.thumbnail.name.startswith("embeds/") and embed.thumbnail_width == 1280
    assert len([path for path in provider.asked if path.startswith("/oembed")]) == 1

    answer = client.get(article.get_absolute_url("en"))
    page = answer.content.decode()

    card = re.search(r'<figure class="embed embed-video">.*?</figure>', page, re.S)[0]
    assert f'href="{VIDEO}"' in card
    assert 'data-frame="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"' in card
    assert f'src="{embed.thumbnail.url}"' in card and 'width="1280"' in card
    assert "<figcaption>Astana at night, from the air</figcaption>" in card
    assert "<iframe" not in page  # nothing of the provider's before a click
    assert '<script src="/static/js/embeds.js" defer></script>' in page
    policy = answer["Content-Security-Policy"]
    assert "frame-src https://www.youtube-nocookie.com" in policy
    assert "t.me" not in policy and "script-src 'self'" in policy
    video = next(
        json.loads(data)
        for data in re.findall(r'ld\+json">(.*?)</script>', page)
        if '"VideoObject"' in data
    )
    assert video["name"] == "Astana at night, from the air"
    assert video["embedUrl"] == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"

    # Saved again, the address is not fetched again.
    with django_capture_on_commit_callbacks(execute=True):
        article.save()
    assert len([path for path in provider.asked if path.startswith("/oembed")]) == 1


def test_a_post_without_oembed_is_a_card_and_its_player_alone_may_frame(
    client, django_capture_on_commit_callbacks
):
    article = save_with_body(f"<p>{POST}</p>", django_capture_on_commit_callbacks)
    answer = client.get(article.get_absolute_url("en"))
    page = answer.content.decode()
    assert 'data-frame="https://t.me/kazinform_news/12345?embed=1"' in page
    assert "Post on Telegram" in page
    assert "frame-src https://t.me" in answer["Content-Security-Policy"]
    assert Embed.objects.get(url=POST).fetched_at is None  # Telegram has no oEmbed


def test_a_provider_that_fails_leaves_a_plain_card_and_a_note(
    client, provider, django_capture_on_commit_callbacks
):
    provider.status = 500
    article = save_with_body(f"<p>{VIDEO}</p>", django_capture_on_commit_callbacks)
    embed = Embed.objects.get(url=VIDEO)
    assert embed.problem.startswith("HTTPError") and not embed.title
    page = client.get(article.get_absolute_url("en")).content.decode()
    assert "<figcaption>Post on YouTube</figcaption>" in page
    assert "VideoObject" not in page


def test_a_thumbnail_from_another_host_is_not_fetched(
    provider, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setitem(embeds.THUMBNAIL_HOSTS, "youtube", {"i.ytimg.com"})
    save_with_body(f"<p>{VIDEO}</p>", django_capture_on_commit_callbacks)
    embed = Embed.objects.get(url=VIDEO)
    assert embed.title and not embed.thumbnail
    assert not [path for path in provider.asked if path.endswith(".jpg")]


def test_a_hostile_oembed_answer_is_neutralised(
    client, provider, django_capture_on_commit_callbacks
):
    provider.answer = {
        "title": "<script>alert(1)</script>" + "A very long title. " * 100,
        "author_name": '"><img src=x onerror=alert(2)>',
        "html": '<iframe src="https://evil.example/"></iframe><script>alert(3)</script>',
        "thumbnail_url": "https://evil.example/thumb.jpg",
    }
    article = save_with_body(f"<p>{VIDEO}</p>", django_capture_on_commit_callbacks)

    embed = Embed.objects.get(url=VIDEO)
    assert len(embed.title) == 300 and not embed.thumbnail  # cut short; no foreign picture
    answer = client.get(article.get_absolute_url("en"))
    page = answer.content.decode()
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # shown as text
    assert "evil.example" not in page
    assert "evil.example" not in answer["Content-Security-Policy"]


@pytest.mark.parametrize(
    "body",
    [
        f"<p>Watch it here: {VIDEO}</p>",  # inside a sentence: a link, not a player
        f'<p><a href="https://example.org/">{VIDEO}</a></p>',  # a link elsewhere
        "<p>https://example.org/watch?v=dQw4w9WgXcQ</p>",  # no provider's
        "<p>https://www.youtube.com.evil.example/watch?v=dQw4w9WgXcQ</p>",
    ],
)
def test_only_a_providers_address_alone_on_its_line_is_a_card(client, body):
    article = make_article(body_en=body)
    answer = client.get(article.get_absolute_url("en"))
    assert 'class="embed' not in answer.content.decode()
    assert "frame-src" not in answer["Content-Security-Policy"]
    assert "embeds.js" not in answer.content.decode()


def test_the_sanitiser_still_refuses_every_iframe():
    article = make_article(
        body_en='<p>Before</p><iframe src="https://www.youtube-nocookie.com/embed/x"></iframe>'
    )
    assert "iframe" not in article.body_en and "youtube" not in article.body_en


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_nothing_of_the_providers_loads_before_a_click_and_the_player_comes_after(
    live_server, request
):
    article = make_article(body_en=f"<p>The video:</p><p>{VIDEO}</p>")
    address = live_server.url + article.get_absolute_url("en")

    with journey(request.node.name) as trip:
        page = trip.open("en-US")
        elsewhere = []
        page.on(
            "request",
            lambda asked: (
                elsewhere.append(asked.url)
                if "127.0.0.1" not in asked.url and "localhost" not in asked.url
                else None
            ),
        )
        # The player, as the provider would serve it (the network is out of reach here).
        page.route(
            "https://www.youtube-nocookie.com/**",
            lambda route: route.fulfill(body="<p>The player</p>", content_type="text/html"),
        )
        page.goto(address)
        page.wait_for_load_state("networkidle")
        trip.step(page, "card")
        assert elsewhere == []
        page.get_by_role("link", name=re.compile("Play on YouTube")).click()
        frame = page.frame_locator("iframe.embed-frame")
        assert frame.get_by_text("The player").is_visible()
        trip.step(page, "player")
        assert elsewhere and all("youtube-nocookie.com" in url for url in elsewhere)
