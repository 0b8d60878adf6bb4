"""Every admin address, for every role: what it may open, and what its posts may change.

The addresses come from the admin's URL resolver, so a view added later is
walked without anyone remembering to list it; an address missing from
OPENS below fails the test until someone says who may open it.

Each address is opened (GET) by each role and, where it shows a form,
posted back as rendered: the role's own form, and the chief editor's form
with every text changed and every box ticked, as an attacker who knows the
desk would post it. Whatever the answer, the content may change only
within what the role may do (SCOPES below, written from README's table of
roles, not from articles/desk/roles.py): so a hole on any write path, today's
or tomorrow's, shows here.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
import reversion
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test import Client, TestCase
from django.urls import URLPattern, URLResolver, reverse
from modeltranslation.translator import translator
from reversion.models import Version

from articles.models import (
    Article,
    Author,
    Byline,
    Category,
    Image,
    LanguageAssignment,
    SiteIdentity,
    SocialLink,
    Source,
    StaticPage,
    Tag,
)
from newsroom.accounts.models import AuditEntry
from tests.desk import make_user, signed_in
from tests.factories import make_article, make_author, make_category, make_image, make_tag
from tests.rendered_forms import page_form

pytestmark = pytest.mark.slow

ROLES = ("anonymous", "author", "translator", "editor", "chief")
STAFF = ROLES[1:]
TAMPERED = " [tampered]"


# Who may open what (GET answers a page or a redirect inside the desk; others get 403 or 404).

EVERY_STAFF = set(STAFF)
EDITORS = {"editor", "chief"}
CHIEF = {"chief"}
NOBODY: set[str] = set()

OPENS: dict[str, set[str]] = {
    "index": EVERY_STAFF,
    "login": {"anonymous"},  # the signed-in are sent to the index
    "logout": NOBODY,  # a POST only
    "password_change": EVERY_STAFF,
    "password_change_done": EVERY_STAFF,
    "autocomplete": EVERY_STAFF,
    "jsi18n": EVERY_STAFF,
    "view_on_site": EVERY_STAFF,
    "app_list:articles": EVERY_STAFF,
    "app_list:auth": CHIEF,
    "app_list:axes": CHIEF,
    "app_list:accounts": CHIEF,
    "catch_all": NOBODY,
    # Staff accounts: their own, whatever their role.
    "sign_in_code": NOBODY,  # only between the password and the code
    "account": EVERY_STAFF,
    "account_authenticator": EVERY_STAFF,
    "account_recovery_codes": NOBODY,  # a POST only
    "account_sign_out_everywhere": NOBODY,  # a POST only
    # Articles: everyone at the desk sees them; the change form says what each may change.
    "articles_article_changelist": EVERY_STAFF,
    "articles_article_add": {"author", "editor", "chief"},
    "articles_article_change": EVERY_STAFF,
    "articles_article_redirect": EVERY_STAFF,
    "articles_article_history": EVERY_STAFF,
    "articles_article_revision": EVERY_STAFF,  # looking; restoring is the post's question
    "articles_article_compare": EVERY_STAFF,
    "articles_article_presence": EVERY_STAFF,
    "articles_article_dashboard": EVERY_STAFF,
    "articles_article_agenda": EVERY_STAFF,
    "articles_autosave": EVERY_STAFF,  # each editor's own unsaved changes
    "articles_slug_preview": EVERY_STAFF,
    "articles_article_delete": EDITORS,
    "articles_article_recoverlist": EDITORS,
    "articles_article_recover": EDITORS,
    # The media library: everyone uploads; changing is per picture (the post's question).
    "articles_image_changelist": EVERY_STAFF,
    "articles_image_add": EVERY_STAFF,
    "articles_image_upload": NOBODY,  # a POST only: a picture dropped into an article
    "articles_image_pick": EVERY_STAFF,  # the rich-text editor's picture picker
    "articles_image_change": EVERY_STAFF,
    "articles_image_redirect": EVERY_STAFF,
    "articles_image_history": EVERY_STAFF,
    "articles_image_delete": CHIEF,
}
for model in ("category", "author", "tag"):
    OPENS |= {
        f"articles_{model}_changelist": EVERY_STAFF,
        f"articles_{model}_add": EDITORS,
        f"articles_{model}_change": EVERY_STAFF,
        f"articles_{model}_redirect": EVERY_STAFF,
        f"articles_{model}_history": EVERY_STAFF,
        f"articles_{model}_delete": CHIEF,
    }
# The site's identity (one row, never added nor deleted), its static pages and the sources'
# names: the editors'.
for model in ("staticpage", "source"):
    OPENS |= {
        f"articles_{model}_{view}": EDITORS
        for view in ("changelist", "add", "change", "redirect", "history", "delete")
    }
OPENS |= {
    "articles_siteidentity_changelist": EDITORS,  # opens the one identity
    "articles_siteidentity_change": EDITORS,
    "articles_siteidentity_redirect": EDITORS,
    "articles_siteidentity_history": EDITORS,
    "articles_siteidentity_add": NOBODY,
    "articles_siteidentity_delete": NOBODY,
}
for model in ("auth_user", "auth_group", "axes_accessattempt", "axes_accesslog"):
    for view in ("changelist", "add", "change", "redirect", "history", "delete"):
        OPENS[f"{model}_{view}"] = CHIEF
for view in ("changelist", "change", "redirect", "history", "delete"):
    OPENS[f"axes_accessfailurelog_{view}"] = CHIEF
for model in ("accessattempt", "accesslog", "accessfailurelog"):
    OPENS[f"axes_{model}_add"] = NOBODY  # django-axes records attempts; nobody adds one
OPENS["auth_user_password_change"] = CHIEF
# The audit log: the chief editor reads it; nobody adds, changes or deletes an entry.
OPENS |= {
    "accounts_auditentry_changelist": CHIEF,
    "accounts_auditentry_change": CHIEF,  # a read-only page
    "accounts_auditentry_redirect": CHIEF,
    "accounts_auditentry_history": CHIEF,
    "accounts_auditentry_add": NOBODY,
    "accounts_auditentry_delete": NOBODY,
}
# An object's bare address redirects anyone at the desk to its change page, which decides.
OPENS |= {name: EVERY_STAFF for name in OPENS if name.endswith("_redirect")}


# What a role's posts may change, row by row (bookkeeping a save derives aside).

DERIVED = re.compile(
    r"^(edit_version|updated_at|latin_sources|renditions|width|height|last_login|last_t"
    r"|throttling_\w+|last_used_at|drift"
    r"|(text_changed_at|revised_at|search)_\w+|search_\w+)$"
)


@dataclass(frozen=True)
class Change:
    table: str
    pk: object
    field: str  # "+" for a row added, "-" for a row removed
    before: dict | None  # the whole row
    after: dict | None

    def __str__(self) -> str:
        if self.field in "+-":
            return f"{self.table} {self.pk}: row {'added' if self.field == '+' else 'removed'}"
        old, new = self.before[self.field], self.after[self.field]
        return f"{self.table} {self.pk}: {self.field} {old!r} -> {new!r}"


def snapshot() -> dict[tuple[str, object], dict]:
    """Every row a desk action could change, by table and key."""
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
    from django_otp.plugins.otp_totp.models import TOTPDevice

    User = get_user_model()
    tables = {
        "article": Article,
        "byline": Byline,
        "article_tag": Article.tags.through,
        "image": Image,
        "author": Author,
        "category": Category,
        "tag": Tag,
        "user": User,
        "user_group": User.groups.through,
        "user_permission": User.user_permissions.through,
        "group": Group,
        "group_permission": Group.permissions.through,
        "language_assignment": LanguageAssignment,
        "totp_device": TOTPDevice,
        "static_device": StaticDevice,
        "static_token": StaticToken,
        "audit_entry": AuditEntry,
        "site_identity": SiteIdentity,
        "social_link": SocialLink,
        "static_page": StaticPage,
        "source": Source,
    }
    return {
        (table, row["id"]): row
        for table, model in tables.items()
        for row in model._base_manager.values(*columns(model))
    }


def columns(model) -> list[str]:
    """Every column by its own name: modeltranslation reads a translated field's bare name
    in the active language, which a request changes."""
    translated = set()
    if model in translator.get_registered_models():
        translated = set(translator.get_options_for_model(model).all_fields)
    return [field.attname for field in model._meta.concrete_fields if field.name not in translated]


def changes_between(before: dict, after: dict) -> list[Change]:
    found = []
    for key in before.keys() | after.keys():
        old, new = before.get(key), after.get(key)
        if old is None or new is None:
            found.append(Change(key[0], key[1], "+" if old is None else "-", old, new))
            continue
        for field in old:
            if old[field] != new[field] and not DERIVED.match(field):
                found.append(Change(key[0], key[1], field, old, new))
    return found


class World:
    """The desk's people and content, as the tests make them once."""

    def __init__(self):
        self.users = {
            "author": make_user("Authors"),
            "translator": make_user("Translators", languages=["ru"]),
            "editor": make_user("Editors"),
            "chief": make_user(superuser=True),
        }
        self.other_author = make_user("Authors")
        self.category, self.person, self.tag = make_category(), make_author(), make_tag()
        page = StaticPage(title_en="About us", body_en="<p>An agency.</p>")
        page.save()
        Source.objects.create(
            credit="Kazinform", name_kk="Қазинформ", name_ru="Казинформ", name_en="Kazinform"
        )
        SiteIdentity.load().save()
        author, translator = self.users["author"], self.users["translator"]
        self.images = {
            "live cover": make_image(png(), uploaded_by=author),
            "own unused": make_image(png(), uploaded_by=author),
            "translator's unused": make_image(png(), uploaded_by=translator),
        }
        draft = {"status": Article.Status.DRAFT, "published_at": None}
        self.articles = {
            "own draft": make_article(created_by=author, **draft),
            "another's draft": make_article(created_by=self.other_author, **draft),
            "live": make_article(
                created_by=author, cover_image=self.images["live cover"], category=self.category
            ),
            "withdrawn": make_article(
                created_by=author, status=Article.Status.WITHDRAWN, withdrawal_reason="Legal"
            ),
        }
        for article in self.articles.values():
            Byline.objects.create(article=article, author=self.person)
            article.tags.add(self.tag)
            self.keep_version(article, "Earlier headline")
            self.keep_version(article, None)
        gone = make_article(created_by=author, **draft)
        self.keep_version(gone, None)
        self.deleted = Version.objects.get_for_object(gone).first()
        gone.delete()
        make_user("Authors").groups.clear()  # someone to appear in the users' list
        AuditEntry.objects.create(username="someone", action="sign_in")

    @staticmethod
    def keep_version(article: Article, title: str | None) -> None:
        with reversion.create_revision():
            if title:
                article.title_en = title
            else:
                article.title_en = f"Headline of article {article.pk}"
            article.save()

    def objects_of(self, model) -> dict[str, object]:
        if model is Article:
            return self.articles
        if model is Image:
            return self.images
        first = model._default_manager.order_by("pk").first()
        return {"": first} if first else {}


def is_signed_in(client: Client) -> bool:
    cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
    return bool(cookie and cookie.value)


def png() -> bytes:
    import io

    from PIL import Image as Pillow

    buffer = io.BytesIO()
    Pillow.new("RGB", (6, 4), "teal").save(buffer, "PNG")
    return buffer.getvalue()


@dataclass(frozen=True)
class Address:
    name: str  # the key into OPENS
    url: str
    about: object = None  # the article or picture it is about, if any


def admin_patterns(patterns, prefix="") -> Iterator[tuple[str, str | None]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from admin_patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.name


MODEL_VIEW = re.compile(r"^(?P<app>\w+?)_(?P<model>[a-z]+)_(?P<view>\w+)$")


def addresses(world: World) -> Iterator[Address]:
    """Every admin address, with each kind of object it can be about."""
    models_by_label = {
        (model._meta.app_label, model._meta.model_name): model for model in admin.site._registry
    }
    for route, name in admin_patterns(admin.site.urls[0]):
        if name is None and route.endswith("<path:object_id>/"):
            app, model = route.split("/")[:2]
            name = f"{app}_{model}_redirect"
        if name is None:
            yield Address("catch_all", "/admin/no-such-page/")
            continue
        if name == "app_list":
            for app in re.search(r"\(\?P<app_label>([^)]*)\)", route)[1].split("|"):
                yield Address(f"app_list:{app}", reverse("admin:app_list", args=[app]))
            continue
        yield from special_addresses(name, world) or model_addresses(name, world, models_by_label)


def special_addresses(name: str, world: World) -> list[Address]:
    live = world.articles["live"]
    if name == "view_on_site":
        kind = ContentType.objects.get_for_model(Article)
        return [Address(name, reverse("admin:view_on_site", args=[kind.pk, live.pk]))]
    if name == "autocomplete":
        query = {"app_label": "articles", "model_name": "article", "field_name": "category"}
        return [Address(name, reverse("admin:autocomplete") + "?" + urlencode(query))]
    if name == "articles_autosave":
        query = {"address": reverse("admin:articles_article_add")}
        return [Address(name, reverse(f"admin:{name}") + "?" + urlencode(query))]
    if name == "articles_slug_preview":
        query = {"language": "kk", "text": "Астанадағы жиын"}
        return [Address(name, reverse(f"admin:{name}") + "?" + urlencode(query))]
    if name == "auth_user_password_change":
        return [Address(name, reverse(f"admin:{name}", args=[world.users["author"].pk]))]
    if name == "articles_article_recover":
        return [Address(name, reverse(f"admin:{name}", args=[world.deleted.pk]))]
    if name in ("articles_article_presence", "articles_article_compare"):
        found = []
        for article in world.articles.values():
            url = reverse(f"admin:{name}", args=[article.pk])
            if name.endswith("compare"):
                newer, older = Version.objects.get_for_object(article)[:2]
                url += "?" + urlencode({"from": older.pk, "to": newer.pk})
            found.append(Address(name, url, article))
        return found
    if name == "articles_article_revision":
        return [
            Address(
                name,
                reverse(
                    f"admin:{name}",
                    args=[article.pk, Version.objects.get_for_object(article).last().pk],
                ),
                article,
            )
            for article in world.articles.values()
        ]
    return []


def model_addresses(name: str, world: World, models_by_label: dict) -> list[Address]:
    match = MODEL_VIEW.match(name)
    model = match and models_by_label.get((match["app"], match["model"]))
    if model is None:
        return [Address(name, reverse(f"admin:{name}"))]
    views_of_no_object = (
        "changelist",
        "add",
        "recoverlist",
        "dashboard",
        "agenda",
        "upload",
        "pick",
    )
    if match["view"] in views_of_no_object:
        return [Address(name, reverse(f"admin:{name}"))]
    found = []
    for about in world.objects_of(model).values():
        if match["view"] == "redirect":
            url = reverse(f"admin:{match['app']}_{match['model']}_change", args=[about.pk])
            url = url.removesuffix("change/")
        else:
            url = reverse(f"admin:{name}", args=[about.pk])
        found.append(Address(name, url, about))
    return found


def tampered(data: dict[str, list[str]], boxes: list[tuple[str, str]]) -> dict[str, list[str]]:
    """The form with every text changed, publishing asked for and every box ticked."""
    changed = {}
    for name, values in data.items():
        if name in ("csrfmiddlewaretoken", "based_on_version") or name.endswith(
            ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS", "-id", "_0", "_1")
        ):
            changed[name] = values
        elif name == "status":
            changed[name] = [Article.Status.PUBLISHED]
        elif all(value.strip() and not value.isdigit() for value in values):
            changed[name] = [value + TAMPERED for value in values]
        else:
            changed[name] = values
    for name, value in boxes:
        if value not in changed.setdefault(name, []):
            changed[name].append(value)
    return changed


class Scope:
    """What a role's request may change: README's roles, per row."""

    def __init__(self, role: str, world: World, before: dict, after: dict):
        self.role, self.world, self.before, self.after = role, world, before, after
        self.user = world.users.get(role)

    def allows(self, change: Change) -> bool:
        if self.role == "chief":
            return True
        if change.table == "audit_entry":
            return change.field == "+"  # an entry added, never one changed or removed
        if self.role == "anonymous":
            return False
        if change.table in ("totp_device", "static_device", "static_token"):
            return self.owns_device(change)
        if change.table == "user":
            return change.pk == self.user.pk and change.field == "password"
        if change.table in ("image",):
            return self.may_change_image(change)
        if change.table in ("article", "byline", "article_tag"):
            return self.may_change_article(change)
        if change.table in ("author", "category", "tag"):
            return self.role == "editor"
        if change.table in ("site_identity", "social_link", "static_page", "source"):
            return self.role == "editor"
        return False  # users' groups and permissions, groups, translators' languages

    def owns_device(self, change: Change) -> bool:
        row = change.after or change.before
        if "user_id" in row:
            return row["user_id"] == self.user.pk
        device = self.before.get(("static_device", row["device_id"]))
        return device is None or device["user_id"] == self.user.pk

    def article_row(self, change: Change) -> dict:
        row = change.after or change.before
        key = row["id"] if change.table == "article" else row["article_id"]
        return self.before.get(("article", key)) or self.after.get(("article", key)) or row

    def may_change_article(self, change: Change) -> bool:
        if self.role == "editor":
            return True
        article = self.article_row(change)
        if self.role == "translator":
            return change.table == "article" and change.field in {
                f"{name}_ru" for name in ("title", "slug", "lead", "body", "cover_caption")
            }
        own_statuses = (Article.Status.DRAFT, Article.Status.REVIEW)
        rows = [article] + ([change.after] if change.table == "article" and change.after else [])
        return all(
            row["created_by_id"] == self.user.pk and row["status"] in own_statuses for row in rows
        )

    def may_change_image(self, change: Change) -> bool:
        if self.role == "editor":
            return True
        row = change.before or change.after
        if row["uploaded_by_id"] != self.user.pk:
            return False
        if change.field == "+":
            return True
        name = row["file"]
        shown_by = [
            article
            for (table, _pk), article in self.before.items()
            if table == "article"
            and (
                article["cover_image_id"] == row["id"]
                or any(name in (article[f"body_{code}"] or "") for code in ("kk", "ru", "en"))
            )
        ]
        return all(
            article["created_by_id"] == self.user.pk
            and article["status"] in (Article.Status.DRAFT, Article.Status.REVIEW)
            for article in shown_by
        )


class AdminPermissionMatrix(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.world = World()

    # The chief editor's form at each address, kept for every role's walk in this process.
    forms_for_chief: dict[str, tuple[dict, list] | None] = {}

    def setUp(self):
        self.problems: list[str] = []
        self.clients: dict[str, Client] = {}

    def client_for(self, role: str) -> Client:
        """The role's client, signed in again if a post signed it out (the post was undone)."""
        client = self.clients.get(role)
        if client is None or (role != "anonymous" and not is_signed_in(client)):
            client = Client(raise_request_exception=False)
            if role != "anonymous":
                signed_in(client, self.world.users[role])
            self.clients[role] = client
        return client

    def walk(self, role: str) -> None:
        seen = set()
        for address in addresses(self.world):
            seen.add(address.name)
            if address.name not in OPENS:
                self.problems.append(f"{address.name}: not in OPENS: who may open {address.url}?")
                continue
            self.check_address(role, address)
        self.assertEqual([], self.problems, "\n".join(self.problems))
        self.assertGreater(len(seen), 60)

    def check_address(self, role: str, address: Address) -> None:
        client = self.client_for(role)
        answer = client.get(address.url)
        where = f"{role} GET {address.url} ({address.name})"
        if answer.status_code >= 500:
            self.problems.append(f"{where}: {answer.status_code}")
            return
        # Opened: a page, or a redirect elsewhere than to sign in or back to the index.
        opened = answer.status_code == 200 or (
            answer.status_code == 302
            and "/login/" not in answer["Location"]
            and answer["Location"] != reverse("admin:index")
        )
        if opened != (role in OPENS[address.name]):
            self.problems.append(f"{where}: answered {answer.status_code}")
        posts = []
        if answer.status_code == 405:  # a POST-only action: posted as a button posts it
            posts.append(("as a button", {}))
        if opened and answer.get("Content-Type", "").startswith("text/html"):
            form = page_form(answer.content.decode())
            if form is not None:
                posts.append(("as rendered", form.data))
        chief_form = self.chief_form(address) if role != "chief" else None
        if chief_form is not None:
            posts.append(("tampered", tampered(*chief_form)))
        for label, data in posts:
            self.check_post(role, address, client, data, f"{role} POST {label} {address.url}")

    def chief_form(self, address: Address):
        if address.url not in self.forms_for_chief:
            answer = self.client_for("chief").get(address.url)
            form = None
            if answer.status_code == 200 and answer.get("Content-Type", "").startswith("text/html"):
                form = page_form(answer.content.decode())
            self.forms_for_chief[address.url] = (
                (form.data, form.checkboxes) if form is not None else None
            )
        return self.forms_for_chief[address.url]

    def check_post(self, role: str, address: Address, client: Client, data, where: str) -> None:
        # A chief editor may change anything: only that nothing fails is checked.
        with transaction.atomic():
            before = snapshot() if role != "chief" else {}
            answer = client.post(address.url, data)
            after = snapshot() if role != "chief" else {}
            transaction.set_rollback(True)
        if answer.status_code >= 500:
            self.problems.append(f"{where}: {answer.status_code}")
        scope = Scope(role, self.world, before, after)
        for change in changes_between(before, after):
            if not scope.allows(change):
                self.problems.append(f"{where}: changed {change}")

    def test_anonymous_visitors(self):
        self.walk("anonymous")

    def test_authors(self):
        self.walk("author")

    def test_translators(self):
        self.walk("translator")

    def test_editors(self):
        self.walk("editor")

    def test_chief_editors(self):
        self.walk("chief")
