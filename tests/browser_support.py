"""Shared Playwright helpers for browser tests: Debian's chromium, staff log-in, screenshots.

Use the fixture by importing it into a test module (`from tests.browser_support import chromium`).
It is module-scoped, not session-scoped: the other browser test modules start their own
`sync_playwright()`, and Playwright's sync API refuses to start while another one is running
("using Playwright Sync API inside the asyncio loop"), so one kept open for the whole session
would break every browser module collected after the first user of this one.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """Debian's chromium through Playwright's sync API (skips when either is missing)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def new_page(browser: Any, width: int, height: int, errors: list[str] | None = None, *, touch: bool = False,
             timeout_ms: int = 20000, locale: str = "zh-CN", bypass_csp: bool = True) -> Any:
    """A page in a fresh context (own cookies and storage) of the given viewport; uncaught page
    errors are appended to `errors` when given.

    The Content-Security-Policy is bypassed by default: Playwright evaluates a string predicate
    such as `wait_for_function("window.x && …")` with eval, which the policy (rightly) refuses.
    tests/test_csp_browser.py opens its pages with bypass_csp=False to check the policy itself."""
    context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=1,
                                  has_touch=touch, locale=locale, bypass_csp=bypass_csp)
    context.set_default_timeout(timeout_ms)
    page = context.new_page()
    expose_page_hooks(page)
    if errors is not None:
        page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
    return page


def log_in(page: Any, base_url: str, username: str, password: str, next_path: str) -> None:
    """Open `next_path` as a staff member: follow the redirect to the real /login form, fill it in,
    submit, and wait until the browser is back on `next_path`."""
    page.goto(base_url + next_path)
    if "/login" not in page.url:
        return   # this context is already logged in
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"**{next_path}")


def screenshot(page: Any, folder: str, name: str, *, full_page: bool = False) -> Path:
    """Save the page's viewport to test-artifacts/<folder>/<name>.png and return the path."""
    out = ARTIFACTS / folder
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def expose_module(page: Any, alias: str, entry: str, module: str, export: str) -> None:
    """Let a test reach a page's module export as `window[alias]` (the pages publish no globals).

    On every page of this Page that loads the module script `entry`, once the document is parsed
    (module scripts have run by then), `module` is imported (the page's own instance: same URL)
    and its `export` stored under `alias`. Expressions like "window.__console && __console.state"
    then work in wait_for_function / evaluate."""
    page.add_init_script(
        "document.addEventListener('DOMContentLoaded', () => {"
        f" if (!document.querySelector('script[type=module][src=\"{entry}\"]')) {{ return; }}"
        f" import('{module}').then(m => {{ window['{alias}'] = m['{export}']; }}); }});")


def expose_page_hooks(page: Any) -> None:
    """The module exports the browser tests look at: the console's `store` as window.__console and
    the juror tablet's `app` (live client, outbox) as window.__juror."""
    expose_module(page, "__console", "/static/console/console.js", "/static/console/store.js", "store")
    expose_module(page, "__juror", "/static/juror/tablet.js", "/static/juror/app.js", "app")
