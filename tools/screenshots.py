"""Takes the README's screenshots of the demo site in Debian's Chromium.

`make screenshots` runs this: it fills a throwaway SQLite database with the
demo content, serves it with Django's development server (DEBUG on, so that
the static files and the demo's pictures are served too), and saves, at a
desktop width of 1280 pixels:

- docs/screenshots/home.png: the front page of the Kazakh edition (the default);
- docs/screenshots/article.png: the lead story, in the English edition;
- docs/screenshots/home-phone.png, article-phone-dark.png: the Russian edition's
  front page and that story on a phone (390 pixels), the story in dark mode;
- docs/screenshots/admin-article.png: that story in the editors' desk, signed
  in (password, then an authenticator app's code) as a user this script creates.

Every page type in every edition, at both widths, is photographed by
tests/test_every_page_looks.py (test-results/journeys/, kept by CI).

    .venv/bin/python -m tools.screenshots
"""

import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

from django_otp.oath import totp

from tools.audit import CHROMIUM, CHROMIUM_ARGS, MissingTool, require, wait_for

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "docs" / "screenshots"
# A desktop window: the shots are of what it shows, not of whole pages, to stay small.
VIEWPORT = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
ADMIN_VIEWPORT = {"width": 1280, "height": 960}
USERNAME = "chief"
# The secret of that user's authenticator app.
AUTHENTICATOR_KEY = secrets.token_hex(20)
GIVE_AN_AUTHENTICATOR = (
    "from django.contrib.auth import get_user_model\n"
    "from django_otp.plugins.otp_totp.models import TOTPDevice\n"
    "TOTPDevice.objects.create(user=get_user_model().objects.get(username={username!r}),"
    " name='authenticator', key={key!r}, confirmed=True)"
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main() -> int:
    try:
        require(CHROMIUM, "Chromium (apt-get install chromium)")
    except MissingTool as missing:
        print(missing, file=sys.stderr)
        return 1
    work = Path(tempfile.mkdtemp(prefix="newsroom-screenshots-"))
    try:
        saved = take_screenshots(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for path in saved:
        print(f"{path.relative_to(ROOT)}: {path.stat().st_size // 1024} KB")
    return 0


def take_screenshots(work: Path) -> list[Path]:
    """Serves the demo site from `work` and saves the screenshots; their paths."""
    address = f"127.0.0.1:{free_port()}"
    password = secrets.token_urlsafe(16)
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{work / 'screenshots.sqlite3'}",
        "MEDIA_ROOT": str(work / "media"),
        "SITE_URL": f"http://{address}",
        "DJANGO_SUPERUSER_PASSWORD": password,
    }
    environment.pop("REDIS_URL", None)
    python = sys.executable
    for command in (
        ["migrate", "--no-input", "-v", "0"],
        ["load_demo"],
        ["createsuperuser", "--no-input", f"--username={USERNAME}", "--email="],
        ["shell", "-c", GIVE_AN_AUTHENTICATOR.format(username=USERNAME, key=AUTHENTICATOR_KEY)],
    ):
        subprocess.run(
            [python, "manage.py", *command],
            cwd=ROOT,
            env=environment,
            check=True,
            capture_output=True,
        )

    server_log = (work / "server.log").open("w")
    server = subprocess.Popen(
        [python, "manage.py", "runserver", address, "--noreload"],
        cwd=ROOT,
        env=environment,
        stdout=server_log,
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://{address}"
        wait_for(f"{base}/healthz", server)
        return photograph(base, password)
    finally:
        server.terminate()
        server.wait(timeout=30)
        server_log.close()


def photograph(base: str, password: str) -> list[Path]:
    from playwright.sync_api import expect, sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    home, article, home_phone, article_phone, admin = (
        SCREENSHOTS / f"{name}.png"
        for name in ("home", "article", "home-phone", "article-phone-dark", "admin-article")
    )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

        reader = browser.new_context(viewport=VIEWPORT).new_page()
        reader.goto(f"{base}/kk/", wait_until="networkidle")
        reader.screenshot(path=home)
        reader.goto(f"{base}/en/", wait_until="networkidle")
        reader.locator(".top-stories .card-title a").first.click()
        reader.wait_for_load_state("networkidle")
        reader.screenshot(path=article)
        pk = re.search(r"/news/(\d+)-", reader.url).group(1)

        phone = browser.new_context(viewport=PHONE, is_mobile=True).new_page()
        phone.goto(f"{base}/ru/", wait_until="networkidle")
        phone.screenshot(path=home_phone)
        dark = browser.new_context(viewport=PHONE, is_mobile=True, color_scheme="dark").new_page()
        dark.goto(f"{base}/ru/news/{pk}/", wait_until="networkidle")
        dark.screenshot(path=article_phone)

        desk = browser.new_context(viewport=ADMIN_VIEWPORT, locale="en-US").new_page()
        desk.goto(f"{base}/admin/articles/article/{pk}/change/")
        desk.get_by_label("Username").fill(USERNAME)
        desk.get_by_label("Password").fill(password)
        desk.get_by_role("button", name="Log in").click()
        desk.get_by_label("Code").fill(f"{totp(bytes.fromhex(AUTHENTICATOR_KEY)):06d}")
        desk.get_by_role("button", name="Sign in").click()
        expect(desk.locator(".field-body_en [contenteditable='true']")).to_be_visible()
        desk.wait_for_load_state("networkidle")
        desk.screenshot(path=admin)
        browser.close()
    return [home, article, home_phone, article_phone, admin]


if __name__ == "__main__":
    sys.exit(main())
