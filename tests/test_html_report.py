"""The HTML report of `scan` and `fix`: one self-contained file, opened in headless Chromium
(Debian's package, driven by Playwright with executablePath; no browser download), with a
screenshot, filtering and a sentence expanded."""

from __future__ import annotations

import os
import re
import shutil

import pytest

import mtfix

from fakes import SUMMIT_ARTICLE as ARTICLE
from fakes import run_cli

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def html_report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("html")
    lines = ARTICLE + ["", "Share this article", "", "Read more: https://example.com/news"]
    (folder / "article.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "clean.txt").write_text("The weather was pleasant. The children played in the park.\n", encoding="utf-8")
    result = run_cli("fix", ".", "--format", "html", "-o", "report.html", "--no-cache", "-q", cwd=folder)
    assert result.returncode == 0, result.stderr.decode()
    return folder / "report.html"


def test_report_is_one_self_contained_file(html_report):
    page = html_report.read_text("utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page), "no external assets"
    assert "report-data" in page and "Kremlin Take place" in page and f"mtfix:{mtfix.__version__}|" in page


@pytest.fixture(scope="module")
def browser_page(html_report):
    if CHROMIUM is None:
        if os.environ.get("MTFIX_REQUIRE_BROWSER"):
            pytest.fail("MTFIX_REQUIRE_BROWSER is set but Debian's chromium is not installed")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium); .ci/run installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(html_report.as_uri())
        yield page, errors
        browser.close()


def test_report_renders_filters_and_expands_a_sentence(browser_page, html_report):
    page, errors = browser_page
    shot = html_report.with_suffix(".png")
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    assert not errors, errors
    assert page.locator(".file").count() == 2
    assert page.locator("#hist svg rect").count() == 20
    ok = page.locator(".s.ok")
    assert ok.count() >= 3 and ok.first.is_visible()
    assert page.locator(".s.boilerplate").count() >= 1
    # only flagged sentences are tinted and have their suspect words marked
    assert all(not node.get_attribute("style") for node in ok.all())
    assert page.locator(".s.ok .suspect").count() == 0 and page.locator(".s.garbled .suspect").count() >= 1

    page.check("#flagged-only")
    page.screenshot(path=str(html_report.with_name("flagged-only.png")), full_page=True)
    assert all(not node.is_visible() for node in ok.all())
    assert page.locator(".s.garbled").first.is_visible()
    # what is hidden takes no room: the clean file and the paragraphs with nothing flagged
    assert not page.locator(".file[data-path='clean.txt']").is_visible()
    assert all(not para.is_visible() for para in page.locator(".para").all()
               if para.locator(".s.garbled, .s.boilerplate, .s.duplicate").count() == 0)
    page.uncheck("#show-boilerplate")
    assert not page.locator(".s.boilerplate").first.is_visible()

    page.locator(".s.garbled").first.click()
    detail = page.locator("#detail")
    assert "garbled" in detail.inner_text() and "Word head: P(BAD)" in detail.inner_text()
    assert page.locator("#detail .word").count() > 10
    assert page.locator("#detail .sugg").count() >= 1
    assert page.locator("#detail .sugg ins").count() >= 1 and page.locator("#detail .sugg del").count() >= 1

    page.uncheck("#flagged-only")
    page.select_option("#file-filter", label="clean.txt")
    assert not page.locator(".file[data-path='article.txt']").is_visible()
    assert page.locator(".file[data-path='clean.txt']").is_visible()
    assert not errors, errors


def test_scan_writes_html_too(tmp_path):
    (tmp_path / "a.txt").write_text("\n".join(ARTICLE) + "\n", encoding="utf-8")
    result = run_cli("scan", "a.txt", "--format", "html", "-o", "scan.html", "--no-cache", "-q", cwd=tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    page = (tmp_path / "scan.html").read_text("utf-8")
    assert '"label": "garbled"' in page and '"words": [[' in page and '"suggestions"' not in page
