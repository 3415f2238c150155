"""The HTML ledger in a real browser (headless Chromium over the DevTools pipe).

The page is rendered from the committed ledger (reports/claims.json, every claim's real
evidence and formulas) with the committed figures, loaded once, and looked at: no
console errors, every image and formula drawn, an anchor per claim, the filters work,
and screenshots are not blank. Skipped outside CI when Chromium is missing
(``apt-get install chromium``); in CI (``CI=true``) that is a failure.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from PIL import Image, ImageStat

from maml_landscape.report.format import paper_section
from maml_landscape.report.write import HTML_NAME, load_ledger, write_reports
from tests.helpers_browser import Chromium, find_chromium
from tests.helpers_ci import require

ROOT = Path(__file__).resolve().parents[1]
#: A screenshot whose grey levels vary less than this (standard deviation, 0-255) is blank.
MIN_STDDEV = 20.0


@pytest.fixture(scope="module")
def ledger():
    stored = load_ledger(ROOT / "reports")
    assert stored is not None, "reports/claims.json missing: run 'maml-landscape verify'"
    return stored


@pytest.fixture(scope="module")
def site(ledger, tmp_path_factory):
    """The report set of the committed ledger in a fresh folder, figures linked from reports/."""
    out = tmp_path_factory.mktemp("site")
    (out / "figures").symlink_to(ROOT / "reports" / "figures", target_is_directory=True)
    write_reports(ledger, out)
    return out / HTML_NAME


@pytest.fixture(scope="module")
def page(site):
    executable = find_chromium()
    require(executable, "Chromium is not installed (apt-get install chromium)")
    browser = Chromium(executable)
    try:
        tab = browser.page()
        tab.open(site.as_uri())
        yield tab
    finally:
        browser.close()


def _visible_claims(page) -> list[str]:
    return page.evaluate("[...document.querySelectorAll('section.claim')].filter(s => !s.hidden).map(s => s.id)")


def _not_blank(png: bytes, min_size: tuple[int, int]) -> None:
    image = Image.open(io.BytesIO(png)).convert("L")
    assert image.size[0] >= min_size[0] and image.size[1] >= min_size[1], image.size
    assert ImageStat.Stat(image).stddev[0] > MIN_STDDEV, ImageStat.Stat(image).stddev


def test_the_page_loads_without_console_errors_and_its_script_ran(page):
    assert page.errors() == []
    assert page.evaluate("document.getElementById('filters').hidden") is False  # the script unhid it


def test_every_image_loads(page, ledger):
    figures = [b for c in ledger["claims"] for ch in c["checks"] for b in ch["evidence"] if b["type"] == "figure"]
    widths = page.evaluate("[...document.images].map(i => [i.complete, i.naturalWidth])")
    assert len(widths) == len(figures) > 0
    assert all(complete and width > 0 for complete, width in widths), widths


def test_every_claim_id_has_its_anchor(page, ledger):
    ids = [c["id"] for c in ledger["claims"]]
    found = page.evaluate(
        f"{json.dumps(ids)}.map(i => {{ const e = document.getElementById(i); return e && e.className; }})"
    )
    assert found == ["claim"] * len(ids)
    links = page.evaluate("[...document.querySelectorAll('#summary-table a')].map(a => a.getAttribute('href'))")
    assert sorted(links) == sorted(f"#{i}" for i in ids)


def test_formulas_render_with_a_nonzero_size(page):
    sizes = page.evaluate(
        "[...document.querySelectorAll('math')].map(m => { const r = m.getBoundingClientRect(); "
        "return [r.width, r.height]; })"
    )
    assert len(sizes) > 500  # the ledger's printed and derived formulas
    assert all(w > 0 and h > 0 for w, h in sizes), [s for s in sizes if not (s[0] > 0 and s[1] > 0)][:5]
    fallbacks = page.evaluate(
        "[...document.querySelectorAll('code.tex')].map(c => c.getBoundingClientRect().width)"
    )
    assert all(w > 0 for w in fallbacks)  # a formula latex2mathml cannot convert still shows


def test_the_verdict_and_section_filters_show_only_matching_claims(page, ledger):
    claims = ledger["claims"]
    failing = [c["id"] for c in claims if c["verdict"] == "fails"]
    assert failing, "the committed ledger has no failing claim to filter for"
    page.click('button[data-verdict="fails"]')
    assert _visible_claims(page) == failing
    rows = page.evaluate("[...document.querySelectorAll('#summary-table tbody tr')].filter(r => !r.hidden).length")
    assert rows == len(failing)
    assert page.evaluate("document.getElementById('shown').textContent") == f"{len(failing)} of {len(claims)} claims shown"

    section = paper_section(failing[0])
    page.evaluate(
        f"(() => {{ const s = document.getElementById('section-filter'); s.value = {json.dumps(section)}; "
        "s.dispatchEvent(new Event('change')); })()"
    )
    assert _visible_claims(page) == [i for i in failing if paper_section(i) == section]

    page.evaluate("(() => { const s = document.getElementById('section-filter'); s.value = ''; "
                  "s.dispatchEvent(new Event('change')); })()")
    page.click('button[data-verdict="all"]')
    assert len(_visible_claims(page)) == len(claims)
    assert page.errors() == []


def test_screenshots_of_the_summary_and_of_a_failing_claim_are_not_blank(page, site, ledger):
    page.open(site.as_uri())
    _not_blank(page.screenshot(), (1000, 600))
    failing = next(c["id"] for c in ledger["claims"] if c["verdict"] == "fails")
    page.open(f"{site.as_uri()}#{failing}")
    box = page.evaluate(
        f"(() => {{ const r = document.getElementById({json.dumps(failing)}).getBoundingClientRect(); "
        "return [r.x, r.y + window.scrollY, r.width, r.height, window.scrollY]; })()"
    )
    assert box[4] > 0  # the fragment scrolled to the claim
    _not_blank(page.screenshot({"x": box[0], "y": box[1], "width": box[2], "height": min(box[3], 1200)}), (600, 300))
    assert page.errors() == []
