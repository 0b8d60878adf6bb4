"""Checks the public pages of a served site: the Nu Html Checker, axe-core and Lighthouse.

`make audit` runs this: it fills a throwaway SQLite database with the demo
content, serves it as in production (gunicorn, DEBUG off, static files through
whitenoise) with the uploaded pictures served too, checks every page type in
every edition, prints the results and stops the server. tests/test_validation.py
runs the first two checks on pages of its own through the same functions.

    .venv/bin/python tools/audit.py [--lighthouse=none|some|all]
"""

import argparse
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_SCRIPT = NODE_MODULES / "axe-core" / "axe.min.js"
LIGHTHOUSE = NODE_MODULES / ".bin" / "lighthouse"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ADDRESS = "127.0.0.1:8765"
LIGHTHOUSE_CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
LIGHTHOUSE_MINIMUM = {"performance": 90, "accessibility": 100, "best-practices": 100, "seo": 100}
# Audits that fail by design, by page type: search results and the 404 are kept
# out of search engines (noindex, no description), and Chromium logs a 404 page's
# own status as a console error.
EXPECTED_FAILURES = {
    "search": {"is-crawlable", "meta-description"},
    "404": {"is-crawlable", "meta-description", "http-status-code", "errors-in-console"},
}


class MissingTool(Exception):
    pass


def require(path: Path | str, what: str) -> None:
    if not Path(path).exists():
        raise MissingTool(f"{what} is missing at {path}: run `make install` (see .ci/run).")


def vnu_errors(files: list[Path]) -> list[str]:
    """The Nu Html Checker's errors on saved pages, one line each ("file:line: message")."""
    java = shutil.which("java")
    if not java:
        raise MissingTool(
            "Java is missing: the Nu Html Checker needs it (apt-get install default-jre)."
        )
    require(VNU_JAR, "The Nu Html Checker (npm vnu-jar)")
    checked = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(checked.stderr)["messages"]
    return [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine', '?')}: {m['message']}" for m in messages
    ]


def axe_violations(urls: dict[str, str], color_scheme: str = "light") -> list[str]:
    """axe-core's violations on each of {name: url}, one line each, in one headless Chromium
    whose reader prefers `color_scheme` (light or dark: site.css has both)."""
    require(CHROMIUM, "Chromium (apt-get install chromium)")
    require(AXE_SCRIPT, "axe-core (npm axe-core)")
    from playwright.sync_api import sync_playwright

    found = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        # The site's Content-Security-Policy would refuse the injected script.
        page = browser.new_context(bypass_csp=True, color_scheme=color_scheme).new_page()
        for name, url in urls.items():
            page.goto(url)
            page.add_script_tag(path=AXE_SCRIPT)
            for violation in page.evaluate("axe.run()")["violations"]:
                targets = [node["target"] for node in violation["nodes"]]
                found.append(f"{name}: {violation['id']} ({violation['help']}) at {targets}")
        browser.close()
    return found


def lighthouse_scores(url: str, expect_404: bool = False, attempts: int = 3) -> dict[str, dict]:
    """{category: {"score": 0-100, "failed": [audit ids]}} by Lighthouse in headless Chromium."""
    require(LIGHTHOUSE, "Lighthouse (npm lighthouse)")
    flags = " ".join(["--headless=new", *CHROMIUM_ARGS])
    run = subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            f"--chrome-path={CHROMIUM}",
            f"--chrome-flags={flags}",
            f"--only-categories={','.join(LIGHTHOUSE_CATEGORIES)}",
            "--output=json",
            "--output-path=stdout",
            "--quiet",
            # Lighthouse refuses to score an error page unless told it is one on purpose.
            *(["--ignore-status-code"] if expect_404 else []),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    if run.returncode:
        if attempts > 1:
            # Headless traces now and then miss the navigation start (NO_NAVSTART).
            return lighthouse_scores(url, expect_404, attempts - 1)
        raise RuntimeError(f"Lighthouse failed on {url}:\n{run.stderr[-2000:]}")
    report = json.loads(run.stdout)
    results = {}
    for name in LIGHTHOUSE_CATEGORIES:
        category = report["categories"][name]
        failed = [
            ref["id"]
            for ref in category["auditRefs"]
            if ref["weight"] and (report["audits"][ref["id"]]["score"] or 0) < 1
        ]
        results[name] = {"score": round((category["score"] or 0) * 100), "failed": failed}
    return results


def served_application():
    """The site's WSGI application, with the uploaded files served too (gunicorn's app factory).

    With DEBUG off Django serves no media, and the audit has no web server in front.
    """
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application
    from whitenoise import WhiteNoise

    return WhiteNoise(get_wsgi_application(), root=settings.MEDIA_ROOT, prefix=settings.MEDIA_URL)


def demo_pages() -> dict[str, str]:
    """{"<edition> <page type>": path} for every public page type in every edition of the demo."""
    import django

    django.setup()
    from django.conf import settings
    from django.urls import reverse
    from django.utils import translation

    from articles.models import Article, StaticPage, Tag

    everywhere = Article.objects.published().filter(bylines__isnull=False)
    for code, _name in settings.LANGUAGES:
        everywhere = everywhere.filter(pk__in=Article.objects.published(code).values("pk"))
    article = everywhere.distinct()[0]
    # The demo content has no tags: give the audited article one, for a tag page.
    tag, _created = Tag.objects.get_or_create(
        name_en="Economy", defaults={"name_kk": "Экономика", "name_ru": "Экономика"}
    )
    article.tags.add(tag)
    pages = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            article = Article.objects.published(code).get(pk=article.pk)
            word = article.title.split()[0]
            pages.update(
                {
                    f"{code} home": reverse("articles:home"),
                    f"{code} latest": reverse("articles:latest"),
                    f"{code} article": article.get_absolute_url(),
                    f"{code} category": article.category.get_absolute_url(),
                    f"{code} author": article.byline_authors[0].get_absolute_url(),
                    f"{code} tag": tag.get_absolute_url(),
                    f"{code} authors": reverse("articles:authors"),
                    f"{code} page": StaticPage.live_in(code).first().get_absolute_url(code),
                    f"{code} search": f"{reverse('articles:search')}?{urlencode({'q': word})}",
                    f"{code} 404": f"/{code}/no-such-page/",
                }
            )
    return pages


def fetch(url: str) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.read()
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return error.read()
        raise


def wait_for(url: str, server: subprocess.Popen) -> None:
    for _ in range(100):
        if server.poll() is not None:
            sys.exit("The server stopped before it answered.")
        try:
            fetch(url)
            return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"The server did not answer at {url}.")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--lighthouse",
        choices=["none", "some", "all"],
        default="some",
        help="Lighthouse on no page, on every page type of one edition (default), or on all",
    )
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="newsroom-audit-"))
    try:
        failed = audit(work, options.lighthouse)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("Audit failed." if failed else "Audit passed.")
    return 1 if failed else 0


def audit(work: Path, lighthouse: str) -> bool:
    """Serves the demo site from `work` and checks it; True when something failed."""
    os.environ.update(
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=f"sqlite:///{work / 'audit.sqlite3'}",
        MEDIA_ROOT=str(work / "media"),
        STATIC_ROOT=str(work / "static"),
        SITE_URL=f"http://{ADDRESS}",
        # Served over plain http: no redirect to https.
        SECURE_SSL_REDIRECT="0",
    )
    os.environ.pop("REDIS_URL", None)
    python = sys.executable
    for command in (
        ["collectstatic", "--no-input", "-v", "0"],
        ["migrate", "--no-input", "-v", "0"],
        ["load_demo"],
    ):
        subprocess.run([python, "manage.py", *command], cwd=ROOT, check=True, capture_output=True)
    sys.path.insert(0, str(ROOT))
    pages = demo_pages()

    server_log = (work / "server.log").open("w")
    server = subprocess.Popen(
        [
            str(Path(python).with_name("gunicorn")),
            "tools.audit:served_application()",
            f"--bind={ADDRESS}",
            "--workers=2",
            "--log-level=warning",
        ],
        cwd=ROOT,
        stdout=server_log,
        stderr=subprocess.STDOUT,
    )
    failed = False
    try:
        base = f"http://{ADDRESS}"
        wait_for(f"{base}/robots.txt", server)

        files = []
        for name, path in pages.items():
            file = work / f"{name.replace(' ', '-')}.html"
            file.write_bytes(fetch(base + path))
            files.append(file)
        errors = vnu_errors(files)
        print(f"Nu Html Checker: {len(files)} pages, {len(errors)} errors")
        print("".join(f"  {line}\n" for line in errors), end="")

        violations = axe_violations({name: base + path for name, path in pages.items()})
        print(f"axe-core: {len(pages)} pages, {len(violations)} violations")
        print("".join(f"  {line}\n" for line in violations), end="")
        failed = bool(errors or violations)

        if lighthouse != "none":
            first_edition = next(iter(pages)).split()[0]
            chosen = {
                name: path
                for name, path in pages.items()
                if lighthouse == "all" or name.startswith(f"{first_edition} ")
            }
            print("Lighthouse:", "  ".join(LIGHTHOUSE_CATEGORIES))
            for name, path in chosen.items():
                kind = name.split()[1]
                results = lighthouse_scores(base + path, expect_404=kind == "404")
                expected = EXPECTED_FAILURES.get(kind, set())
                short = [
                    category
                    for category, minimum in LIGHTHOUSE_MINIMUM.items()
                    if results[category]["score"] < minimum
                    and set(results[category]["failed"]) - expected
                ]
                failed = failed or bool(short)
                marks = " ".join(f"{results[c]['score']:>3}" for c in LIGHTHOUSE_CATEGORIES)
                print(f"  {name:<16} {marks}{'  below: ' + ', '.join(short) if short else ''}")
                for category, result in results.items():
                    if result["failed"]:
                        by_design = " (by design)" if set(result["failed"]) <= expected else ""
                        print(f"    {category}: {', '.join(result['failed'])}{by_design}")
    except MissingTool as missing:
        print(missing, file=sys.stderr)
        failed = True
    finally:
        server.terminate()
        server.wait(timeout=30)
        server_log.close()
    return failed


if __name__ == "__main__":
    sys.exit(main())
