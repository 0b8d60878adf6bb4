"""Journeys in a real browser: Debian's Chromium driven by Playwright.

Each journey saves a full-page screenshot of every step to
test-results/journeys/<test>/<nn>-<step>.png (CI keeps test-results/ as an
artefact), and fails on any console error or uncaught script error on any of
its pages: a broken script or a Content-Security-Policy violation shows there
first, often without breaking what the journey checks.

Playwright's event loop runs while a journey is open, and Django refuses
database queries beside a running loop: set up data before the journey,
check the database after it.
"""

import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import BrowserContext, ConsoleMessage, Page, WebError, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from tools.audit import CHROMIUM, CHROMIUM_ARGS, MissingTool, require

ARTEFACTS = Path(__file__).resolve().parent.parent / "test-results" / "journeys"
VIEWPORT = {"width": 1280, "height": 800}


class Journey:
    """One journey's browser: a context per person in it, numbered screenshots, complaints."""

    def __init__(self, browser, directory: Path):
        self.browser = browser
        self.directory = directory
        self.steps = 0
        self.problems: list[str] = []
        self.contexts: list[BrowserContext] = []

    def open(
        self,
        locale: str,
        viewport: dict = VIEWPORT,
        color_scheme: str = "light",
        javascript: bool = True,
    ) -> Page:
        """A page in a fresh context (own cookies) whose browser asks for `locale`."""
        context = self.browser.new_context(
            locale=locale,
            viewport=viewport,
            color_scheme=color_scheme,
            java_script_enabled=javascript,
        )
        context.on("console", self.note_console_error)
        context.on("weberror", self.note_script_error)
        self.contexts.append(context)
        return context.new_page()

    def step(self, page: Page, name: str) -> Path:
        """Saves the page as the journey's next step."""
        self.steps += 1
        path = self.directory / f"{self.steps:02d}-{name}.png"
        try:
            page.screenshot(path=path, full_page=True)
        except PlaywrightError as error:
            # Chromium now and then cannot capture a page it has just drawn (seen once in
            # CI, on a page that other runs captured): a moment later it can.
            if "Unable to capture screenshot" not in str(error):
                raise
            page.wait_for_timeout(500)
            page.screenshot(path=path, full_page=True)
        return path

    def note_console_error(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            where = message.page.url if message.page else "?"
            # A not-found page's own status (a 404 the test asked for), not a resource of it.
            if message.text.startswith("Failed to load resource") and (
                message.location.get("url") == where
            ):
                return
            self.problems.append(f"console error on {where}: {message.text}")

    def note_script_error(self, error: WebError) -> None:
        where = error.page.url if error.page else "?"
        self.problems.append(f"script error on {where}: {error.error}")

    def save_failure(self) -> None:
        """Every open page as it was when the journey failed."""
        pages = [page for context in self.contexts for page in context.pages]
        for page in pages:
            try:
                self.step(page, "failed")
            except Exception:  # a closed or crashed page: keep the original failure
                pass


@contextmanager
def journey(test_name: str) -> Iterator[Journey]:
    """A headless Chromium for one journey; fails it on anything the pages complained of."""
    try:
        require(CHROMIUM, "Chromium (apt-get install chromium)")
    except MissingTool as missing:
        raise AssertionError(str(missing)) from None
    directory = ARTEFACTS / re.sub(r"[^\w.-]+", "-", test_name)
    shutil.rmtree(directory, ignore_errors=True)  # no screenshot left from an older run
    directory.mkdir(parents=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        trip = Journey(browser, directory)
        try:
            yield trip
        except BaseException:
            trip.save_failure()
            if trip.problems:
                print("The pages complained:", *trip.problems, sep="\n  ")
            raise
        finally:
            browser.close()
    assert trip.problems == [], "\n".join(trip.problems)
