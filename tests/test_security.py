"""The site's defences (README, "Security"): HTTPS and the security headers, the
Content-Security-Policy, the admin's sign-in lock-out, and uploaded files."""

import io
import json
import os
import re
import secrets
import subprocess
import sys
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
import time_machine
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image as Pillow

from articles.media import images
from articles.models import Image
from articles.public.preview import preview_path
from tests import desk
from tests.desk import authenticator_of, make_user, next_code
from tests.factories import make_article, make_author, make_category, make_image, make_tag

# The module's costly fixture is made once, in one worker (make test: --dist loadgroup).
pytestmark = pytest.mark.xdist_group("production")

PROJECT = Path(__file__).resolve().parent.parent


# Production settings, loaded in a fresh interpreter ---------------------------------


def production_environment(tmp_path: Path, **environment: str) -> dict[str, str]:
    """What a production server is given: DEBUG off, a long random key, its host name."""
    (tmp_path / "static").mkdir(exist_ok=True)
    return {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "news.example.kz",
        # Nothing below may need a database: an empty one makes any query fail loudly.
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        "STATIC_ROOT": str(tmp_path / "static"),
        **environment,
    }


def deploy_check(tmp_path: Path, **environment: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT,
        env=production_environment(tmp_path, **environment),
        capture_output=True,
        text=True,
    )


def test_production_settings_pass_the_deploy_check_with_no_warnings(tmp_path):
    result = deploy_check(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    # The one check ever silenced: on SQLite, that an index's non-key column is left out.
    assert set(django_settings.SILENCED_SYSTEM_CHECKS) <= {"models.W040"}


def test_the_deploy_check_still_catches_a_weak_secret_key(tmp_path):
    result = deploy_check(tmp_path, SECRET_KEY="short")
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


ANSWERS = """
import json
from django.conf import settings
from django.test import Client

# Static files as they are in the project: no collectstatic (and its manifest) here.
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

def answer(path, **extra):
    response = Client(HTTP_HOST="news.example.kz").get(path, **extra)
    return {
        "status": response.status_code,
        "location": response.get("Location", ""),
        "headers": dict(response.headers),
        "cookies": {
            name: {"secure": bool(morsel["secure"]), "httponly": bool(morsel["httponly"])}
            for name, morsel in response.cookies.items()
        },
    }

print(json.dumps({
    "http": answer("/robots.txt"),
    "https": answer("/robots.txt", secure=True),
    "proxied": answer("/robots.txt", headers={"X-Forwarded-Proto": "https"}),
    "healthz": answer("/healthz"),
    "login": answer("/admin/login/", secure=True),
    "session_cookie": [settings.SESSION_COOKIE_SECURE, settings.SESSION_COOKIE_HTTPONLY],
    "img_src": settings.SECURE_CSP["img-src"],
    "lockout": [settings.AXES_FAILURE_LIMIT, settings.AXES_COOLOFF_TIME.total_seconds()],
    "client_ip_from": list(settings.AXES_IPWARE_META_PRECEDENCE_ORDER),
    "staff": [settings.STAFF_IDLE_MINUTES, settings.OTP_TOTP_ISSUER],
}))
"""


def served(tmp_path: Path, **environment: str) -> dict:
    """How the production settings answer a few requests, and what they configure."""
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + ANSWERS],
        cwd=PROJECT,
        env=production_environment(tmp_path, **environment),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def production(tmp_path_factory) -> dict:
    return served(tmp_path_factory.mktemp("production"))


def test_plain_http_is_redirected_to_https_in_production(production):
    assert production["http"]["status"] == 301
    assert production["http"]["location"] == "https://news.example.kz/robots.txt"


def test_the_load_balancers_health_check_is_answered_over_plain_http(production):
    assert production["healthz"]["status"] == 200


def test_production_answers_carry_hsts_and_the_security_headers(production):
    headers = production["https"]["headers"]
    assert production["https"]["status"] == 200
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]


def test_production_cookies_are_secure_and_out_of_reach_of_scripts(production):
    assert production["login"]["cookies"]["csrftoken"] == {"secure": True, "httponly": True}
    assert production["session_cookie"] == [True, True]


def test_the_proxy_header_is_believed_only_when_it_is_configured(production, tmp_path):
    # A client can send the header itself: without a proxy that sets it, it means nothing.
    assert production["proxied"]["status"] == 301
    behind_proxy = served(tmp_path, SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO")
    assert behind_proxy["proxied"]["status"] == 200
    assert behind_proxy["http"]["status"] == 301


def test_a_local_plain_http_run_turns_off_the_redirect_and_secure_cookies(tmp_path):
    local = served(tmp_path, SECURE_SSL_REDIRECT="0", SECURE_COOKIES="0")
    assert local["http"]["status"] == 200
    assert local["login"]["cookies"]["csrftoken"]["secure"] is False
    assert local["session_cookie"] == [False, True]


def test_lock_out_limits_and_the_client_address_header_come_from_the_environment(
    production, tmp_path
):
    assert production["lockout"] == [5, 15 * 60]
    assert production["client_ip_from"] == ["REMOTE_ADDR"]
    configured = served(
        tmp_path,
        AXES_FAILURE_LIMIT="3",
        AXES_COOLOFF_MINUTES="60",
        AXES_CLIENT_IP_HEADER="HTTP_X_REAL_IP",
    )
    assert configured["lockout"] == [3, 60 * 60]
    assert configured["client_ip_from"] == ["HTTP_X_REAL_IP", "REMOTE_ADDR"]


def test_the_staff_idle_time_and_the_authenticator_name_come_from_the_environment(
    production, tmp_path
):
    assert production["staff"] == [60, "Newsroom"]
    configured = served(tmp_path, STAFF_IDLE_MINUTES="20", TWO_FACTOR_ISSUER="Kazinform desk")
    assert configured["staff"] == [20, "Kazinform desk"]


def test_with_media_in_a_bucket_pictures_may_come_from_its_address(production, tmp_path):
    assert production["img_src"] == ["'self'", "data:"]
    bucket = served(
        tmp_path,
        MEDIA_STORAGE="s3",
        AWS_STORAGE_BUCKET_NAME="newsroom-media",
        AWS_S3_CUSTOM_DOMAIN="media.example.kz",
    )
    assert bucket["img_src"] == ["'self'", "data:", "https://media.example.kz/"]


# The Content-Security-Policy -------------------------------------------------------


def policy(response) -> dict[str, list[str]]:
    """{directive: [sources]} of a response's Content-Security-Policy."""
    directives = {}
    for directive in response["Content-Security-Policy"].split(";"):
        name, *sources = directive.split()
        directives[name] = sources
    return directives


class InlineCode(HTMLParser):
    """Scripts and styles written into a page (what a CSP checks), with their nonces."""

    def __init__(self, html: str):
        super().__init__()
        self.scripts, self.styles, self.style_attributes = [], [], []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "style" in attributes:
            self.style_attributes.append(tag)
        if tag == "script" and "src" not in attributes:
            self.scripts.append(attributes)
        elif tag == "style":
            self.styles.append(attributes)


@pytest.mark.django_db
def test_public_pages_run_only_the_sites_own_files(client):
    article = make_article(authors=[make_author()], category=make_category())
    for path in ("/kk/", article.get_absolute_url(), "/kk/no-such-page/"):
        response = client.get(path)
        directives = policy(response)
        assert directives["default-src"] == ["'self'"]
        assert directives["script-src"] == ["'self'"], path  # no nonce: nothing inline
        assert directives["object-src"] == ["'none'"]
        assert directives["base-uri"] == directives["form-action"] == ["'self'"]
        assert directives["frame-ancestors"] == ["'none'"]
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]
        inline = InlineCode(response.content.decode())
        # JSON-LD is data, never run: the only inline script a public page may hold.
        assert all(script.get("type") == "application/ld+json" for script in inline.scripts)
        assert inline.styles == [] and inline.style_attributes == [], path


@pytest.mark.django_db
def test_the_admin_allows_inline_code_only_with_each_answers_own_nonce(client):
    desk.signed_in(client, make_user(superuser=True))
    nonces = set()
    for _ in range(2):
        response = client.get(reverse("admin:articles_article_add"))
        assert response.status_code == 200
        directives = policy(response)
        [nonce] = re.findall(r"'nonce-([^']+)'", " ".join(directives["script-src"]))
        assert f"'nonce-{nonce}'" in directives["style-src"]
        inline = InlineCode(response.content.decode())
        assert inline.scripts, "the rich-text editor's import map is inline"
        assert all(script.get("nonce") == nonce for script in inline.scripts + inline.styles)
        nonces.add(nonce)
    assert len(nonces) == 2


@pytest.mark.django_db
def test_a_page_served_from_the_page_cache_carries_the_policy_too(client, settings):
    settings.PAGE_CACHE_SECONDS = 60
    make_article()
    made = client.get("/kk/")
    from_cache = client.get("/kk/")
    assert from_cache.content == made.content
    assert from_cache["Content-Security-Policy"] == made["Content-Security-Policy"]
    assert from_cache["X-Frame-Options"] == "DENY"


@pytest.mark.django_db(transaction=True)
def test_no_page_or_admin_form_in_use_breaks_the_policy_in_a_browser(live_server, tiny_png):
    from playwright.sync_api import expect, sync_playwright

    from tools.audit import CHROMIUM, CHROMIUM_ARGS

    category = make_category(name_kk="Экономика", name_ru="Экономика", name_en="Economy")
    cover = make_image(tiny_png, name="cover.png")
    article = make_article(authors=[make_author()], category=category, cover_image=cover)
    article.tags.add(make_tag())
    chief = get_user_model().objects.create_superuser("chief", "c@example.com", "pw")
    editor = desk.signed_in(Client(), chief)
    session = editor.cookies[django_settings.SESSION_COOKIE_NAME].value
    problems = []

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context()
        context.add_cookies(
            [
                {
                    "name": django_settings.SESSION_COOKIE_NAME,
                    "value": session,
                    "url": live_server.url,
                }
            ]
        )
        page = context.new_page()
        # A refused script or style is a console error; a script that then fails, a page error.
        page.on("console", lambda m: m.type == "error" and problems.append(f"{page.url}: {m.text}"))
        page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))

        def visit(path: str) -> None:
            response = page.goto(live_server.url + path)
            assert response.status == 200, path
            assert "script-src 'self'" in response.headers["content-security-policy"]
            page.wait_for_load_state("networkidle")

        for path in ("/kk/", article.get_absolute_url(), preview_path(article, "kk")):
            visit(path)
        # The account's pages: the authenticator's QR code is inline SVG.
        visit(reverse("admin:account"))
        visit(reverse("admin:account_authenticator"))
        expect(page.locator(".qr-code svg")).to_be_visible()

        # The add form as an editor uses it: a language tab, the title (and its slug
        # preview), the rich-text editor, and an autocomplete.
        visit(reverse("admin:articles_article_add"))
        page.locator(".ui-tabs-nav a:visible").nth(2).click()
        title = page.locator("input[name^='title_']:visible").first
        language = title.get_attribute("name").removeprefix("title_")
        title.fill("Astana news")
        expect(page.locator(f"input[name='slug_{language}']")).to_have_value("astana-news")
        body = page.locator(".ProseMirror:visible").first
        body.click()
        page.keyboard.type("Written in the editor, ")
        page.keyboard.press("Control+B")
        page.keyboard.type("in bold")
        expect(body.locator("strong")).to_have_text("in bold")
        page.locator(".field-category .select2-selection").click()
        page.keyboard.type("Econ")
        expect(page.locator(".select2-results__option").first).to_contain_text("Economy")
        page.keyboard.press("Escape")

        # The change form (with the presence box) edited and saved.
        visit(reverse("admin:articles_article_change", args=[article.pk]))
        body = page.locator(".ProseMirror:visible").first
        body.click()
        page.keyboard.press("Control+End")
        page.keyboard.type(" More.")
        page.locator("input[name='_continue']").click()
        expect(page.locator(".messagelist .success")).to_be_visible()
        browser.close()

    assert problems == []
    article.refresh_from_db()
    assert "More." in article.body_en + article.body_kk + article.body_ru


# The admin: behind a sign-in, with good passwords ----------------------------------


@pytest.mark.django_db
def test_every_admin_page_asks_an_anonymous_visitor_to_sign_in(client):
    article = make_article()
    for path in (
        reverse("admin:index"),
        reverse("admin:articles_article_changelist"),
        reverse("admin:articles_article_change", args=[article.pk]),
        reverse("admin:articles_article_dashboard"),
        reverse("admin:articles_article_presence", args=[article.pk]),
        reverse("admin:articles_slug_preview") + "?language=kk&text=x",
        reverse("admin:articles_article_compare", args=[article.pk]),
        reverse("admin:axes_accessattempt_changelist"),
        reverse("admin:account"),
        reverse("admin:account_authenticator"),
        reverse("admin:accounts_auditentry_changelist"),
    ):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.url.startswith(reverse("admin:login")), path


@pytest.mark.parametrize("password", ["12345678", "password1", "short", "aigerim.nurlanova"])
def test_weak_passwords_are_refused(password):
    editor = get_user_model()(username="aigerim.nurlanova", email="aigerim@example.kz")
    with pytest.raises(ValidationError):
        validate_password(password, editor)


def test_a_long_uncommon_password_is_accepted():
    editor = get_user_model()(username="aigerim.nurlanova")
    validate_password("steppe-falcon-teapot-1987", editor)


# The sign-in lock-out (django-axes) ---------------------------------------------------

PASSWORD = "steppe-falcon-teapot-1987"


@pytest.fixture
def editors(db):
    """Chief editors, each with an authenticator app (their sign-in has two steps)."""
    User = get_user_model()
    chiefs = [
        User.objects.create_user(name, password=PASSWORD, is_staff=True, is_superuser=True)
        for name in ("aigerim", "daniyar")
    ]
    for chief in chiefs:
        authenticator_of(chief)
    return chiefs


def sign_in(client, username: str, password: str, address: str = "127.0.0.1", **headers):
    """The sign-in page as an editor uses it: the password, then, when asked, the app's code
    (from the same address). The answer to the last step."""
    response = client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR=address,
        headers=headers,
    )
    if response.status_code == 302 and response.url.startswith(reverse("admin:sign_in_code")):
        device = authenticator_of(get_user_model().objects.get(username=username))
        response = client.post(
            response.url, {"code": next_code(device)}, REMOTE_ADDR=address, headers=headers
        )
    return response


def fail(times: int, client, username: str = "aigerim", **where) -> None:
    for _ in range(times):
        sign_in(client, username, "wrong password", **where)


def signed_in(response) -> bool:
    return response.status_code == 302 and response.url == reverse("admin:index")


def locked_out(response) -> bool:
    return response.status_code == 429 and "axes/lockout.html" in [
        template.name for template in response.templates
    ]


def test_failures_below_the_limit_only_show_the_form_again(client, editors):
    for _ in range(4):
        response = sign_in(client, "aigerim", "wrong password")
        assert response.status_code == 200
        assert response.context["form"].errors
    assert signed_in(sign_in(Client(), "aigerim", PASSWORD))


def test_after_five_failures_even_the_right_password_gets_the_lock_out_page(client, editors):
    fail(4, client)
    assert locked_out(sign_in(client, "aigerim", "wrong password"))
    response = sign_in(client, "aigerim", PASSWORD, **{"Accept-Language": "en"})
    assert locked_out(response)
    assert "_auth_user_id" not in client.session
    page = response.content.decode()
    assert "Signing in is locked" in page
    assert "Too many failed attempts to sign in as “aigerim” from your address." in page
    assert "Try again in 15 minutes, or ask an administrator to unlock your account." in page
    assert client.get(reverse("admin:index")).status_code == 302  # still not signed in


def test_the_lock_out_page_speaks_the_editors_language(client, editors):
    fail(5, client)
    response = sign_in(client, "aigerim", PASSWORD, **{"Accept-Language": "ru"})
    assert locked_out(response)
    page = response.content.decode()
    assert '<html lang="ru"' in page
    assert "Newsroom: редакция" in page
    assert "Вход заблокирован" in page
    assert "Попробуйте снова через 15 минут или попросите администратора" in page


def test_the_name_typed_is_escaped_on_the_lock_out_page(client, editors):
    hostile = "<script>alert(1)</script>"
    fail(5, client, username=hostile)
    response = sign_in(client, hostile, PASSWORD)
    assert locked_out(response)
    assert hostile not in response.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.content.decode()


def test_a_locked_name_does_not_lock_out_other_editors_at_that_address(client, editors):
    fail(5, client)
    assert signed_in(sign_in(Client(), "daniyar", PASSWORD))


def test_a_locked_name_can_still_sign_in_from_another_address(client, editors):
    fail(5, client)
    assert signed_in(sign_in(Client(), "aigerim", PASSWORD, address="10.1.2.3"))
    assert locked_out(sign_in(Client(), "aigerim", PASSWORD))


def test_after_the_cool_off_the_editor_can_sign_in_again(client, editors):
    fail(5, client)
    with time_machine.travel(timezone.now() + timedelta(minutes=14), tick=False):
        assert locked_out(sign_in(Client(), "aigerim", PASSWORD))
    # Each refused try starts the cool-off again: 15 minutes after the last one.
    with time_machine.travel(timezone.now() + timedelta(minutes=30), tick=False):
        assert signed_in(sign_in(Client(), "aigerim", PASSWORD))


def test_a_successful_sign_in_clears_the_failures(client, editors):
    fail(4, client)
    assert signed_in(sign_in(Client(), "aigerim", PASSWORD))
    fail(4, client)
    assert signed_in(sign_in(Client(), "aigerim", PASSWORD))


def test_an_administrator_can_unlock_an_editor(client, editors):
    fail(5, client)
    call_command("axes_reset_username", "aigerim", stdout=io.StringIO())
    assert signed_in(sign_in(Client(), "aigerim", PASSWORD))


def test_a_client_address_header_is_ignored_unless_a_proxy_is_configured(client, editors):
    # Otherwise an attacker would name a new address in each try and never be locked out.
    for number in range(5):
        sign_in(client, "aigerim", "wrong password", **{"X-Real-IP": f"203.0.113.{number}"})
    assert locked_out(sign_in(Client(), "aigerim", PASSWORD, **{"X-Real-IP": "198.51.100.7"}))


def test_behind_a_configured_proxy_each_client_address_is_locked_on_its_own(
    client, editors, settings
):
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_REAL_IP", "REMOTE_ADDR")
    settings.AXES_IPWARE_PROXY_COUNT = 0
    proxy = "10.0.0.2"
    fail(5, client, address=proxy, **{"X-Real-IP": "203.0.113.9"})
    attacker, editor = Client(), Client()
    assert locked_out(
        sign_in(attacker, "aigerim", PASSWORD, address=proxy, **{"X-Real-IP": "203.0.113.9"})
    )
    assert signed_in(
        sign_in(editor, "aigerim", PASSWORD, address=proxy, **{"X-Real-IP": "198.51.100.7"})
    )


def test_tests_and_tools_can_still_sign_in_with_force_login(client, editors):
    fail(5, client)
    desk.signed_in(client, editors[0])
    assert client.get(reverse("admin:index")).status_code == 200


# Uploaded files ----------------------------------------------------------------------


@pytest.mark.django_db
def test_uploaded_files_are_not_served_by_django_with_debug_off(client, settings):
    assert settings.DEBUG is False
    picture = Path(settings.MEDIA_ROOT) / "images" / "photo.png"
    picture.parent.mkdir(parents=True)
    picture.write_bytes(b"\x89PNG\r\n\x1a\n")
    assert client.get(f"{settings.MEDIA_URL}images/photo.png").status_code == 404


SVG_WITH_SCRIPT = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(document.cookie)</script><rect width='10' height='10'/></svg>"
)
HTML_PAGE = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


@pytest.mark.parametrize(
    "name, content",
    [
        ("drawing.svg", SVG_WITH_SCRIPT),
        ("drawing.jpg", SVG_WITH_SCRIPT),
        ("page.jpg", HTML_PAGE),
        ("page.html", HTML_PAGE),
    ],
)
def test_an_svg_or_html_upload_is_refused(name, content):
    with pytest.raises(ValidationError) as refused:
        images.PictureField().clean(SimpleUploadedFile(name, content))
    assert refused.value.code == "not_a_picture"


def gif_with_a_page_appended() -> bytes:
    """A real GIF followed by HTML: a polyglot that a browser sniffing it might run."""
    buffer = io.BytesIO()
    Pillow.new("RGB", (4, 4), "red").save(buffer, "GIF")
    return buffer.getvalue() + HTML_PAGE


@pytest.mark.django_db
def test_a_picture_carrying_a_page_is_stored_without_it_under_its_true_type(client):
    desk.signed_in(client, make_user(superuser=True))
    response = client.post(
        reverse("admin:articles_image_add"),
        {
            "file": SimpleUploadedFile("photo.jpg", gif_with_a_page_appended()),
            **{f"alt_{code}": "A red square" for code in ("kk", "ru", "en")},
            **{f"caption_{code}": "" for code in ("kk", "ru", "en")},
            "credit": "",
            "focal_x": "50",
            "focal_y": "50",
            "_save": "Save",
        },
    )
    assert response.status_code == 302
    image = Image.objects.get()
    assert image.file.name.endswith(".gif")  # served as image/gif, not as a JPEG to sniff
    with default_storage.open(image.file.name) as stored:
        assert b"<script" not in stored.read()
