"""The desk in Kazakh and in Russian: no English word left on any page an editor opens.

Each page is rendered for a chief editor whose browser asks for the
language, with content written in Kazakh and Russian only, and its visible
text (and the words in placeholders, titles and labels) is searched for
words in Latin letters. What the content itself holds in Latin letters
(slugs, the Latin-script edition, addresses) is left out first.
"""

import re
from html.parser import HTMLParser

import pytest
import reversion
from axes.models import AccessAttempt, AccessLog
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from articles.models import (
    Article,
    Author,
    Category,
    Image,
    SiteIdentity,
    SocialLink,
    Source,
    StaticPage,
    Tag,
)
from tests.desk import signed_in
from tests.factories import make_article, make_author, make_category, make_image, make_tag

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

# Words in Latin letters that are right in any language: names and codes.
ALLOWED = {
    "Newsroom", "RSS", "URL", "HTML", "JSON", "ID", "UTC", "Qazaq", "English", "KK", "RU",
    "EN", "kk", "ru", "en", "latn", "Latn", "px", "Atom", "JPEG", "PNG", "WebP", "AVIF",
    "IP", "Control", "Command", "Mac",  # keys, as the keyboard names them
    "FreeOTP", "Aegis", "Google", "Microsoft", "Authenticator", "QR", "QR-",  # apps, names
    "HTTP", "Accept", "LDAP", "SSO",  # protocols, and a header by its name
}  # fmt: skip
WORD = re.compile(r"[A-Za-z][A-Za-z’'-]+")
# What a page shows of an address, a slug, a file's name or an e-mail: content, not interface.
NOT_WORDS = re.compile(
    r"\S+@\S+|https?://\S+|/\S*|\S+\.(png|jpe?g|webp|avif)\b|\b[a-z0-9]+(-[a-z0-9]+)+\b"
    r"|\S+\*{3,}|\b(md5|pbkdf2_sha256|argon2|bcrypt\w*|scrypt)\b",  # a password, as shown
    re.IGNORECASE,
)
SHOWN_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")
HIDDEN_ELEMENTS = {"script", "style", "template", "noscript", "svg", "option"}


class VisibleText(HTMLParser):
    """The text a reader of the page sees or hears, and the words of its labelling attributes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0
        self.hiding: list[str] = []  # the hidden elements open, innermost last

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        # translate="no" marks what is not words to translate (a key to type, say); an icon
        # font's element holds the icon's name (format_bold), drawn as a picture.
        icon = "material-icons" in (attributes.get("class") or "").split()
        if tag in HIDDEN_ELEMENTS or attributes.get("translate") == "no" or icon:
            self.hidden += 1
            self.hiding.append(tag)
        self.parts += [attributes[name] or "" for name in SHOWN_ATTRIBUTES if name in attributes]
        if tag == "input" and attributes.get("type") in ("submit", "button"):
            self.parts.append(attributes.get("value") or "")

    def handle_endtag(self, tag):
        if self.hiding and tag == self.hiding[-1]:
            self.hiding.pop()
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def english_words(page: str, content: set[str]) -> set[str]:
    reader = VisibleText()
    reader.feed(page)
    text = "\n".join(reader.parts)
    for value in sorted(content, key=len, reverse=True):
        text = text.replace(value, " ")
    text = NOT_WORDS.sub(" ", text)
    return {word for word in WORD.findall(text) if word not in ALLOWED}


def latin_content() -> set[str]:
    """Every value the content holds in Latin letters: slugs, the Latin edition, files."""
    values = set()
    # What django-axes records of a sign-in (its user agent, "Access Log for ...") is data too.
    for entry in (*AccessLog.objects.all(), *AccessAttempt.objects.all()):
        values |= {str(entry), entry.user_agent}
    rows = []
    site = (Source, StaticPage, SiteIdentity, SocialLink)
    for model in (Article, Author, Category, Tag, Image, *site):
        columns = [field.attname for field in model._meta.concrete_fields]
        rows += model.objects.values(*columns)
    # What the history holds: earlier titles, deleted articles.
    for version in Version.objects.all():
        rows.append({**version.field_dict, "": version.object_repr})
    for row in rows:
        for value in row.values():
            if isinstance(value, str):
                values.add(value)
                # Rich text and paragraphs of plain text, as they read.
                values |= {part.strip() for part in re.split(r"<[^>]+>|\n+", value)}
    return {value for value in values if len(value) > 1 and re.search("[A-Za-z]", value)}


@pytest.fixture
def desk_in_kazakh_and_russian(tiny_png):
    chief = get_user_model().objects.create_superuser("бас_редактор", "", "құпия-сөз-12345")
    category = make_category(name_kk="Қоғам", name_ru="Общество", name_en="Қоғам")
    author = make_author(name_kk="Айгерім Бекова", name_ru="Айгерим Бекова", name_en="Айгерім")
    tag = make_tag(name_kk="Астана", name_ru="Астана", name_en="Астана")
    cover = make_image(
        tiny_png,
        name="сурет.png",
        alt_kk="Көпір",
        alt_ru="Мост",
        alt_en="Көпір",
        caption_kk="Жаңа көпір",
        caption_ru="Новый мост",
        caption_en="Көпір",
        credit="Ақпарат агенттігі",
    )
    article = make_article(
        languages=["kk", "ru"],
        original_language="kk",
        authors=[author],
        category=category,
        cover_image=cover,
        title_kk="Астанада жаңа көпір ашылды",
        lead_kk="Көпір бүгін ашылды.",
        body_kk="<p>Қала тұрғындары қуанышты.</p>",
        title_ru="В Астане открыли новый мост",
        lead_ru="Мост открыли сегодня.",
        body_ru="<p>Жители города рады.</p>",
    )
    article.tags.add(tag)
    for title in ("Астанада көпір ашылды", "Астанада жаңа көпір ашылды"):
        with reversion.create_revision():
            article.title_kk = title
            article.save()
    return chief, article


def desk_pages(article, chief) -> list[str]:
    versions = Version.objects.get_for_object(article)
    cover, category = article.cover_image, article.category
    return [
        reverse("admin:articles_image_change", args=[cover.pk]),
        reverse("admin:articles_category_change", args=[category.pk]),
        reverse("admin:articles_author_change", args=[article.bylines.get().author_id]),
        reverse("admin:articles_tag_change", args=[article.tags.get().pk]),
        reverse("admin:articles_article_revision", args=[article.pk, versions.last().pk]),
        reverse("admin:articles_article_compare", args=[article.pk])
        + f"?from={versions.last().pk}&to={versions.first().pk}",
        reverse("admin:articles_article_recoverlist"),
        reverse("admin:auth_user_changelist"),
        reverse("admin:auth_user_change", args=[chief.pk]),
        reverse("admin:auth_group_changelist"),
        reverse("admin:axes_accessattempt_changelist"),
        reverse("admin:axes_accesslog_changelist"),
        reverse("admin:accounts_auditentry_changelist"),
        reverse("admin:account"),
        reverse("admin:index"),
        reverse("admin:app_list", args=["articles"]),
        reverse("admin:articles_article_changelist"),
        reverse("admin:articles_article_add"),
        reverse("admin:articles_article_change", args=[article.pk]),
        reverse("admin:articles_article_history", args=[article.pk]),
        reverse("admin:articles_article_dashboard"),
        reverse("admin:articles_article_agenda"),
        reverse("admin:articles_image_changelist"),
        reverse("admin:articles_image_add"),
        reverse("admin:articles_category_changelist"),
        reverse("admin:articles_author_changelist"),
        reverse("admin:articles_tag_changelist"),
        reverse("admin:password_change"),
    ]


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_every_desk_page_speaks_the_editors_language(desk_in_kazakh_and_russian, language):
    chief, article = desk_in_kazakh_and_russian
    client = signed_in(Client(), chief)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    content = latin_content()
    left = {}
    for address in desk_pages(article, chief):
        response = client.get(address)
        assert response.status_code == 200, address
        if words := english_words(response.content.decode(), content):
            left[address] = sorted(words)
    assert left == {}, "\n".join(f"{page}: {' '.join(words)}" for page, words in left.items())


def recorded_names() -> set[str]:
    """What the desk's people and records are called: user names, e-mails, groups, the log."""
    from django.contrib.auth.models import Group

    from newsroom.accounts.models import AuditEntry

    values = set()
    for user in get_user_model().objects.all():
        values |= {user.username, user.email, user.get_full_name(), str(user)}
    values |= {group.name for group in Group.objects.all()}
    for entry in AuditEntry.objects.all():
        values |= {entry.username, str(entry)}
    return {value for value in values if value and re.search("[A-Za-z]", value)}


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_every_admin_address_speaks_the_editors_language(language):
    """Every address the admin has (the permission matrix's list), not a chosen few."""
    from tests.test_admin_permissions import World, addresses

    world = World()
    client = signed_in(Client(), world.users["chief"])
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    content = latin_content() | recorded_names()
    left, read = {}, 0
    for address in addresses(world):
        response = client.get(address.url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue  # a redirect, a POST-only action, an answer in JSON or JavaScript
        read += 1
        if words := english_words(response.content.decode(), content):
            left[address.url] = sorted(words)
    assert read > 50
    assert left == {}, "\n".join(f"{page}: {' '.join(words)}" for page, words in left.items())


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_desk_speaks_the_editors_language_once_its_scripts_have_run(
    live_server, request, roles, desk_in_kazakh_and_russian, language
):
    """What the desk's scripts write (the editor's toolbar, counts, the cover's drop zone)
    is in the page a browser shows, not in the HTML the server sends."""
    from tests.browser import journey
    from tests.test_desk_browser import session_of, signed_in_page

    chief, article = desk_in_kazakh_and_russian
    pages = {
        "change-form": reverse("admin:articles_article_change", args=[article.pk]),
        "add-form": reverse("admin:articles_article_add"),
        "list": reverse("admin:articles_article_changelist"),
        "dashboard": reverse("admin:articles_article_dashboard"),
        "agenda": reverse("admin:articles_article_agenda"),
        "picture": reverse("admin:articles_image_change", args=[article.cover_image_id]),
    }
    content, session = latin_content(), session_of(chief)  # the database, before the browser
    left = {}
    with journey(request.node.name) as trip:
        desk = signed_in_page(trip, live_server, session, language)
        for name, address in pages.items():
            desk.goto(live_server.url + address)
            desk.wait_for_load_state("networkidle")
            trip.step(desk, f"{language}-{name}")
            if words := english_words(desk.content(), content):
                left[name] = sorted(words)
    assert left == {}, "\n".join(f"{page}: {' '.join(words)}" for page, words in left.items())
