"""Article bodies: the HTML that may be stored, and how a body is shown.

Rich-text bodies are cleaned on save by nh3 (a real HTML sanitizer) to an
allow-list of formatting, whatever the editor or an import sent. Bodies
that are plain text (legacy imports) are stored as written and escaped
into paragraphs when shown.
"""

import re
from html import unescape
from urllib.parse import urlsplit

import nh3
from django.conf import settings
from django.utils.html import linebreaks, strip_tags
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "strong", "b", "em", "i", "a", "ul", "ol", "li",
    "blockquote", "figure", "figcaption", "img",
    "table", "thead", "tbody", "tr", "th", "td", "caption",
}  # fmt: skip

ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "figure": {"data-image"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}

# Attributes allowed only with one of these values.
ALLOWED_ATTRIBUTE_VALUES = {
    "img": {"loading": {"lazy", "eager"}},
    "th": {"scope": {"row", "col", "rowgroup", "colgroup"}},
}

NUMERIC_ATTRIBUTES = {"width", "height", "colspan", "rowspan", "data-image"}

# Removed together with everything inside them, rather than left as text.
DROPPED_WITH_CONTENT = {
    "script", "style", "template", "noscript", "noembed", "noframes", "xmp", "plaintext",
    "iframe", "frame", "frameset", "object", "embed", "applet", "svg", "math",
    "select", "textarea",
}  # fmt: skip

LINK_SCHEMES = {"http", "https", "mailto"}

EXTERNAL_LINK_REL = "noopener"

# How rich-text bodies begin; legacy plain-text bodies never do.
# C0 control characters but tab, line feed and carriage return: XML 1.0 (RSS, Atom,
# sitemaps) cannot carry them, and no one means to type them. Forms and importers
# refuse them; the feeds leave out any that came another way.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
HTML_START = re.compile(r"\s*<(?:p|h[2-4]|ul|ol|blockquote|figure|table)[\s/>]", re.IGNORECASE)

# Tell-tales of executable markup in a row written around save() (a bulk
# update, a restored dump). A false alarm only costs a re-sanitize.
UNSAFE_HINT = re.compile(
    r"<(?:script|style|iframe|object|embed|svg|math|base|meta|link|form)"
    r"|javascript:|vbscript:|data:|[\s/\"']on[a-z]+\s*=",
    re.IGNORECASE,
)

# nh3 serialises every attribute value in double quotes, with `"`, `<` and `>`
# escaped, so these patterns match its output exactly.
LINK_TAG = re.compile(r"<a((?: [^\s=>]+=\"[^\"]*\")*)>")
IMAGE_TAG = re.compile(r"<img((?: [^\s=>]+=\"[^\"]*\")*)>")
SCHEME_LIKE = re.compile(r"([^/?#]*):")
HREF = re.compile(r' href="([^"]*)"')
SRC = re.compile(r' src="')


def is_own_media(url: str) -> bool:
    """True for a URL of a file in our media library (relative, or absolute on this site)."""
    if url.startswith(("//", "/\\")):
        return False
    prefixes = [settings.MEDIA_URL]
    if settings.MEDIA_URL.startswith("/"):
        prefixes.append(settings.SITE_URL + settings.MEDIA_URL)
    return url.startswith(tuple(prefixes))


def is_external(url: str) -> bool:
    """True for a link that leaves this site (mailto: and relative links do not)."""
    parts = urlsplit(re.sub(r"[\t\n\r]", "", url).replace("\\", "/"))
    if parts.scheme not in ("", "http", "https") or not parts.netloc:
        return False
    return parts.netloc.lower() != urlsplit(settings.SITE_URL).netloc.lower()


def has_unknown_scheme(url: str) -> bool:
    """True for a URL with something like a scheme that is not one of ours.

    nh3 has refused the real schemes it does not allow; this refuses what it
    takes for a relative path: "javascript:" behind a line separator, or with
    a NUL byte (which the parser turns into a replacement character) inside.
    """
    scheme = SCHEME_LIKE.match(url)
    return bool(scheme) and scheme[1].strip().lower() not in LINK_SCHEMES


def filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    """Keep an allowed attribute's value, or None to drop the attribute."""
    if attribute in NUMERIC_ATTRIBUTES and not (value.isascii() and value.isdigit()):
        return None
    if tag == "img" and attribute == "src" and not is_own_media(value):
        return None
    if tag == "a" and attribute == "href" and has_unknown_scheme(value):
        return None
    return value


CLEANER = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    clean_content_tags=DROPPED_WITH_CONTENT,
    attributes=ALLOWED_ATTRIBUTES,
    tag_attribute_values=ALLOWED_ATTRIBUTE_VALUES,
    attribute_filter=filter_attribute,
    url_schemes=LINK_SCHEMES,
    strip_comments=True,
    link_rel=None,
)


def mark_external_link(match: re.Match) -> str:
    href = HREF.search(match[1])
    if href and is_external(unescape(href[1])):
        return f'<a{match[1]} rel="{EXTERNAL_LINK_REL}">'
    return match[0]


def drop_foreign_image(match: re.Match) -> str:
    """An image whose src was refused (not our media) goes entirely."""
    return match[0] if SRC.search(match[1]) else ""


def sanitize_html(html: str) -> str:
    """The HTML with everything outside the allow-list removed."""
    if not html:
        return ""
    cleaned = CLEANER.clean(html)
    cleaned = IMAGE_TAG.sub(drop_foreign_image, cleaned)
    return LINK_TAG.sub(mark_external_link, cleaned)


def looks_like_html(text: str) -> bool:
    """True for a rich-text body: one that begins with a block element."""
    return bool(text and HTML_START.match(text))


def clean_body(text: str) -> str:
    """What is stored for a body: rich text sanitized, plain text as written.

    A rich-text body with nothing to read (the editor's empty `<p></p>`) is
    no body at all, so the language does not count as written.
    """
    if not looks_like_html(text):
        return text
    cleaned = sanitize_html(text)
    if not strip_tags(cleaned).strip() and "<img" not in cleaned:
        return ""
    return cleaned


def render_body(text: str) -> SafeString:
    """A body as HTML for readers: rich text as stored, plain text as escaped paragraphs.

    Rich text was sanitized on save; it is sanitized again only when it shows
    a sign of executable markup (idempotent, so a false alarm changes nothing).
    """
    if not text:
        return SafeString()
    if not looks_like_html(text):
        return mark_safe(linebreaks(text, autoescape=True))
    if UNSAFE_HINT.search(text):
        text = sanitize_html(text)
    return mark_safe(text)


def as_editable_html(text: str) -> str:
    """A body as the rich-text editor must receive it: plain text becomes escaped paragraphs.

    Without this, the editor would load a legacy plain-text body as one run of
    text and the paragraph breaks would be lost on the next save.
    """
    if not text or looks_like_html(text):
        return text
    return str(linebreaks(text, autoescape=True))


def plain_text(text: str) -> str:
    """What a reader reads of a body, rich or plain: the words, without markup.

    Blocks and line breaks become line breaks, so the last word of a paragraph
    and the first of the next (written without a newline between) stay two.
    """
    if not looks_like_html(text):
        return text
    return unescape(strip_tags(BLOCK_END.sub(lambda end: end[0] + "\n", text)))


def first_paragraph_text(body: str) -> str:
    """The body's first paragraph as plain text, for summaries in lists and feeds."""
    if looks_like_html(body):
        match = FIRST_BLOCK.search(body)
        text = strip_tags(match.group(1)) if match else strip_tags(body)
        return " ".join(unescape(text).split())
    first = body.strip().split("\n\n", 1)[0]
    return " ".join(first.split())


FIRST_BLOCK = re.compile(r"<p[^>]*>(.*?)</p>", re.S)
BLOCK_END = re.compile(r"</(?:p|h[1-6]|li|blockquote|figcaption|td|th)>|<br\s*/?>", re.I)
IMG_TAG = re.compile(r"<img\b[^>]*>", re.I)
