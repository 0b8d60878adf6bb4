import html
import re
from html.parser import HTMLParser

import pytest
from django.template import Context, Template

from articles.media.sanitizer import (
    clean_body,
    looks_like_html,
    plain_text,
    render_body,
    sanitize_html,
)
from articles.models import Article
from tests.factories import make_article
from tests.fixtures.hostile_html import CORPUS

ALLOWED = {
    "p": set(),
    "br": set(),
    "h2": set(),
    "h3": set(),
    "h4": set(),
    "strong": set(),
    "b": set(),
    "em": set(),
    "i": set(),
    "a": {"href", "title", "rel"},
    "ul": set(),
    "ol": set(),
    "li": set(),
    "blockquote": set(),
    "figure": {"data-image"},
    "figcaption": set(),
    "img": {"src", "alt", "width", "height", "loading"},
    "table": set(),
    "thead": set(),
    "tbody": set(),
    "tr": set(),
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "caption": set(),
}
NEVER_ANYWHERE = ("<script", "javascript:", "vbscript:", "data:")
INVISIBLE = re.compile(r"[\s\x00-\x1f\x7f-\x9f]+")
SCHEME = re.compile(r"([a-z][a-z0-9+.-]*):")


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "https://newsroom.example"
    settings.MEDIA_URL = "/media/"


class Elements(HTMLParser):
    """Every start tag in a fragment, with its attributes (values unescaped)."""

    def __init__(self, fragment: str):
        super().__init__()
        self.found: list[tuple[str, dict[str, str]]] = []
        self.feed(fragment)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, {name: value or "" for name, value in attrs}))


def assert_nothing_executable(output: str) -> None:
    for tag, attributes in Elements(output).found:
        assert tag in ALLOWED, tag
        assert set(attributes) <= ALLOWED[tag], (tag, attributes)
        assert not any(name.startswith("on") for name in attributes)
        for name in ("href", "src"):
            if name in attributes:
                url = INVISIBLE.sub("", html.unescape(attributes[name])).lower()
                scheme = SCHEME.match(url)
                assert scheme is None or scheme[1] in {"http", "https", "mailto"}, url
                assert name != "src" or url.startswith(
                    ("/media/", "https://newsroom.example/media/")
                ), url
    lowered = output.lower()
    for fragment in NEVER_ANYWHERE:
        assert fragment not in lowered


@pytest.mark.parametrize("case", CORPUS, ids=[case.name for case in CORPUS])
def test_nothing_executable_survives_hostile_html(case):
    output = sanitize_html(case.html)
    assert_nothing_executable(output)
    for text in case.keeps:
        assert text in output


def test_the_corpus_is_large_and_every_case_is_named_once():
    names = [case.name for case in CORPUS]
    assert len(names) >= 40
    assert len(set(names)) == len(names)


@pytest.mark.parametrize("case", CORPUS, ids=[case.name for case in CORPUS])
def test_sanitizing_twice_changes_nothing(case):
    once = sanitize_html(case.html)
    assert sanitize_html(once) == once


ORDINARY = {
    "paragraphs": "<p>First paragraph.</p><p>Second<br>line.</p>",
    "headings": "<h2>Section</h2><h3>Subsection</h3><h4>Detail</h4>",
    "bold and italic": "<p><strong>Strong</strong> <b>bold</b> <em>emphasis</em> <i>italic</i></p>",
    "internal link": '<p><a href="/kk/articles/12-astana/" title="Астана">Астана</a></p>',
    "internal absolute link": '<p><a href="https://newsroom.example/ru/">Главная</a></p>',
    "anchor and mail links": (
        '<p><a href="#facts">Facts</a> <a href="mailto:desk@example.kz">Desk</a></p>'
    ),
    "external link": '<p><a href="https://example.org/report" rel="noopener">Report</a></p>',
    "lists": "<ul><li>One</li><li>Two</li></ul><ol><li>First</li><li>Second</li></ol>",
    "blockquote": "<blockquote><p>Quoted words.</p></blockquote>",
    "figure": (
        '<figure data-image="12"><img src="/media/images/2026/11/x.jpg" alt="A yurt" '
        'width="800" height="600" loading="lazy"><figcaption>A yurt in the steppe</figcaption>'
        "</figure>"
    ),
    "figure with an absolute media address": (
        '<figure data-image="7"><img src="https://newsroom.example/media/images/y.jpg" alt="">'
        "</figure>"
    ),
    "table": (
        '<table><caption>Results</caption><thead><tr><th scope="col">Region</th>'
        '<th scope="col">Votes</th></tr></thead><tbody><tr><td>Astana</td><td>120</td></tr>'
        '<tr><td colspan="2" rowspan="1">Total: 120</td></tr></tbody></table>'
    ),
    "what the editor writes": (
        "<p>Lead-in.</p><h2>Heading</h2><ul><li>Item</li></ul>"
        '<figure data-image="12"><img src="/media/images/2026/11/x.jpg" alt="Alt">'
        "<figcaption>Caption</figcaption></figure>"
    ),
}


@pytest.mark.parametrize("body", ORDINARY.values(), ids=ORDINARY.keys())
def test_ordinary_formatting_survives_exactly(body):
    assert sanitize_html(body) == body


def test_external_links_get_noopener_and_internal_links_no_rel():
    output = sanitize_html(
        '<p><a href="https://example.org/" target="_blank">Out</a> '
        '<a href="/kk/" rel="nofollow">In</a></p>'
    )
    assert output == (
        '<p><a href="https://example.org/" rel="noopener">Out</a> <a href="/kk/">In</a></p>'
    )


def test_a_foreign_image_goes_entirely_with_its_alt_text():
    output = sanitize_html('<figure><img src="https://evil.example/x.png" alt="Evil"></figure>')
    assert output == "<figure></figure>"


def test_empty_input_gives_empty_output():
    assert sanitize_html("") == ""


@pytest.mark.parametrize(
    "text",
    [
        "<p>Paragraph</p>",
        "  \n<P class='lead'>Paragraph</P>",
        "<h2>Heading</h2>",
        "<h4>Heading</h4>",
        "<ul><li>Item</li></ul>",
        "<ol><li>Item</li></ol>",
        "<blockquote>Quote</blockquote>",
        "<figure></figure>",
        "<table></table>",
    ],
)
def test_bodies_starting_with_a_block_element_look_like_html(text):
    assert looks_like_html(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "ASTANA. The parliament met today.\n\nSecond paragraph.",
        "A story about <script>alert(1)</script> in the middle.",
        "<pre>code</pre>",
        "<plaintext>text",
        "<h1>Heading</h1>",
        "<h5>Heading</h5>",
        "<script>alert(1)</script><p>Text</p>",
        "3 < 4 and <p> later",
    ],
)
def test_plain_text_and_other_starts_do_not_look_like_html(text):
    assert not looks_like_html(text)


def test_clean_body_sanitizes_html_bodies():
    assert clean_body("<p>Text</p><script>alert(1)</script>") == "<p>Text</p>"


def test_clean_body_leaves_plain_text_as_written():
    text = "ASTANA. One < two & <script>alert(1)</script>.\n\nSecond."
    assert clean_body(text) == text


@pytest.mark.parametrize("body", ["<p></p>", "<p> </p><p><br></p>", "<p><script>x</script></p>"])
def test_an_html_body_with_nothing_to_read_is_no_body(body):
    assert clean_body(body) == ""


def test_an_html_body_with_only_an_image_is_kept():
    body = '<figure data-image="3"><img src="/media/images/x.jpg" alt=""></figure>'
    assert clean_body(body) == body


def test_plain_text_renders_escaped_in_paragraphs():
    rendered = render_body("First <script>alert(1)</script>\nline two\n\nSecond & last")
    assert rendered == (
        "<p>First &lt;script&gt;alert(1)&lt;/script&gt;<br>line two</p>\n\n<p>Second &amp; last</p>"
    )


def test_html_renders_as_stored():
    body = ORDINARY["what the editor writes"]
    assert render_body(body) == body


def test_render_body_of_nothing_is_empty():
    assert render_body("") == ""


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [
        "<p>Text</p><script>alert(1)</script>",
        '<p>Text</p><img src=x onerror="alert(1)">',
        '<p><a href="javascript:alert(1)">Text</a></p>',
        "<p>Text</p><svg/onload=alert(1)>",
    ],
)
def test_a_row_written_around_save_is_sanitized_when_rendered(body):
    article = make_article()
    Article.objects.filter(pk=article.pk).update(body_kk=body)
    article.refresh_from_db()
    rendered = Template("{% load bodies %}{{ article.body|render_body }}").render(
        Context({"article": article})
    )
    assert_nothing_executable(rendered)
    assert "Text" in rendered


def test_the_filter_escapes_plain_text():
    rendered = Template("{% load bodies %}{{ body|render_body }}").render(
        Context({"body": "<b>not bold</b>"})
    )
    assert rendered == "<p>&lt;b&gt;not bold&lt;/b&gt;</p>"


def test_a_plain_text_body_reaches_the_editor_as_escaped_paragraphs():
    from articles.media.sanitizer import as_editable_html

    assert as_editable_html("First <b>\n\nSecond") == "<p>First &lt;b&gt;</p>\n\n<p>Second</p>"
    assert as_editable_html("<p>Already rich</p>") == "<p>Already rich</p>"


def test_plain_text_keeps_the_words_of_adjacent_blocks_apart():
    assert plain_text(
        "<p>One.</p><p>Two<br>three</p><ul><li>four</li><li>five</li></ul>"
    ).split() == [
        "One.",
        "Two",
        "three",
        "four",
        "five",
    ]
