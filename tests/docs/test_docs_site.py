"""Issue 6: the generated dbt docs site, browsed like a user in headless Chromium.

A music mart is found through the search box and through the project tree; its page shows
the description and columns its YAML documents; its lineage graph draws the mart with the
models it reads; every source page shows where its rows land and what loads them. The site
is served by `lake docs --serve` and also opened straight from disk. Screenshots of the
model page and of the lineage graph are kept in build/artefacts/docs/.
"""

from __future__ import annotations

import re
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import yaml
from playwright.sync_api import Locator, Page

from lake.config import PROJECT_DIR
from tests.docs.conftest import ServedSite

# One site, one server, one Chromium per worker; generating the site (no LAKE_DOCS_SITE) is dbt.
pytestmark = [pytest.mark.xdist_group("docs_site"), pytest.mark.slow]

MART = "fct_streams_daily"
MART_ID = f"model.lake.{MART}"
MART_DIR = PROJECT_DIR / "models" / "marts" / "music"
MIN_SCREENSHOT_BYTES = 20_000


def mart_spec() -> dict[str, Any]:
    document = yaml.safe_load((MART_DIR / f"_{MART}.yml").read_text(encoding="utf-8"))
    return next(model for model in document["models"] if model["name"] == MART)


def mart_refs() -> set[str]:
    sql = (MART_DIR / f"{MART}.sql").read_text(encoding="utf-8")
    return set(re.findall(r"ref\(\s*'(\w+)'\s*\)", sql))


def source_specs() -> list[dict[str, Any]]:
    specs = []
    for path in sorted((PROJECT_DIR / "models" / "staging").glob("*/_*__sources.yml")):
        specs.extend(yaml.safe_load(path.read_text(encoding="utf-8"))["sources"])
    return specs


def plain(markdown: str) -> str:
    """What the browser shows of a markdown description: no backticks or bold, one space."""
    return " ".join(markdown.replace("`", "").replace("**", "").split())


def shown(locator: Locator) -> str:
    return " ".join(locator.inner_text().split())


def open_home(page: Page, url: str) -> Locator:
    page.goto(url)
    search = page.get_by_placeholder("Search for models...")
    search.wait_for()
    return search


def sidebar_section(page: Page, title: str) -> Locator:
    """The list under a heading (Sources, Exposures, Projects) of the sidebar's project tab."""
    return page.locator(f".menu strong:text-is('{title}') + ul")


def click_tree_item(section: Locator, name: str) -> None:
    """Click a folder or file of the tree; a long name is split in two spans, so join them."""
    items = section.locator(".filename").filter(visible=True)
    names = items.evaluate_all("items => items.map(i => i.textContent.replace(/\\s+/g, ''))")
    assert name in names, f"{name!r} is not in the tree; shown: {names}"
    items.nth(names.index(name)).click()


def section_of(page: Page, anchor: str) -> Locator:
    return page.locator("section.section").filter(has=page.locator(f"#{anchor}"))


def detail_values(scope: Locator) -> dict[str, str]:
    """The key/value pairs of a page's Details panel (meta, loader, ...), keys lower-cased."""
    values: dict[str, str] = {}
    for item in scope.locator("dl.detail").all():
        label = item.locator("dt").inner_text().strip().lower()
        values.setdefault(label, " ".join(item.locator("dd").inner_text().split()))
    return values


def assert_screenshot(path: Path) -> None:
    assert path.is_file(), f"no screenshot at {path}"
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert path.stat().st_size > MIN_SCREENSHOT_BYTES, f"{path} is nearly empty"


def assert_mart_page(page: Page) -> None:
    """The mart's page: title, description, every documented column and its description."""
    spec = mart_spec()
    page.locator("h1", has_text=MART).wait_for()
    description = shown(section_of(page, "description").locator(".model-markdown"))
    assert description == plain(spec["description"])

    columns = section_of(page, "columns")
    names = [shown(row.locator("td").first) for row in columns.locator("tbody tr").all()]
    documented = [column["name"] for column in spec["columns"]]
    assert {"stream_date", "track_id", "streams"} <= set(documented)
    assert [name for name in names if name in documented] == documented
    text = shown(columns)  # the table shows each column's description as written
    missing = [c["name"] for c in spec["columns"] if " ".join(c["description"].split()) not in text]
    assert not missing, f"column descriptions not shown for {missing}"

    details = detail_values(section_of(page, "details"))
    assert details["grain"] == spec["config"]["meta"]["grain"]


def test_lake_docs_serve_answers_with_the_site(served_site: ServedSite) -> None:
    with urllib.request.urlopen(served_site.url, timeout=10) as response:
        assert response.status == 200
        assert response.headers.get_content_type() == "text/html"
        body = response.read()
    assert body == served_site.file.read_bytes()
    assert MART_ID.encode() in body  # the manifest is inlined: one static file


def test_search_finds_the_mart_and_its_page_shows_description_and_columns(
    page: Page, served_site: ServedSite, artefacts: Path
) -> None:
    search = open_home(page, served_site.url)
    search.fill(MART)
    title = page.locator("h4", has_text=re.compile(rf"^\s*{MART}\s+model\s*$"))
    page.locator(".search-result").filter(has=title).click()
    page.wait_for_url(re.compile(re.escape(f"#!/model/{MART_ID}") + "$"))

    assert_mart_page(page)
    screenshot = artefacts / f"{MART}_model_page.png"
    page.screenshot(path=screenshot, full_page=True)
    assert_screenshot(screenshot)


def graph_state(page: Page) -> dict[str, Any]:
    return page.evaluate(
        """() => {
            const cy = document.getElementById('cy')._cyreg.cy;
            const box = cy.container().getBoundingClientRect();
            const nodes = cy.nodes().filter(n => n.visible());
            return {
                width: box.width,
                height: box.height,
                nodes: nodes.map(n => ({id: n.id(), label: n.data('label'),
                                         x: n.renderedPosition('x'), y: n.renderedPosition('y')})),
                edges: cy.edges().filter(e => e.visible())
                              .map(e => [e.source().id(), e.target().id()]),
            };
        }"""
    )


def test_tree_leads_to_the_mart_and_its_lineage_graph_draws_its_upstream_models(
    page: Page, served_site: ServedSite, artefacts: Path
) -> None:
    open_home(page, served_site.url)
    projects = sidebar_section(page, "Projects")
    for folder in ("lake", "models", "marts", "music", MART):
        click_tree_item(projects, folder)
    page.wait_for_url(re.compile(re.escape(f"#!/model/{MART_ID}") + "$"))
    page.locator("h1", has_text=MART).wait_for()

    page.get_by_title("View Lineage Graph").click()
    page.locator(".launcher.on h6", has_text="Lineage Graph").wait_for()  # the panel opened
    page.wait_for_function(
        "() => { const c = document.getElementById('cy');"
        " return c && c._cyreg && c._cyreg.cy.nodes().filter(n => n.visible()).length > 1; }"
    )
    graph = graph_state(page)
    labels = {node["id"]: node["label"] for node in graph["nodes"]}
    assert labels.get(MART_ID) == MART

    upstream = {f"model.lake.{name}" for name in mart_refs()}
    assert any(name.startswith("model.lake.stg_") for name in upstream)
    assert upstream <= labels.keys(), f"not drawn: {sorted(upstream - labels.keys())}"
    edges_in = {source for source, target in graph["edges"] if target == MART_ID}
    assert upstream <= edges_in, f"no edge into the mart from {sorted(upstream - edges_in)}"

    off_canvas = [
        node["id"]
        for node in graph["nodes"]
        if not (0 <= node["x"] <= graph["width"] and 0 <= node["y"] <= graph["height"])
    ]
    assert not off_canvas, f"nodes drawn outside the graph panel: {off_canvas}"

    screenshot = artefacts / f"{MART}_lineage_graph.png"
    page.screenshot(path=screenshot)
    assert_screenshot(screenshot)


@pytest.mark.parametrize("spec", source_specs(), ids=lambda spec: spec["name"])
def test_source_page_shows_landing_path_and_loader(site_page: Page, spec: dict[str, Any]) -> None:
    page = site_page  # the site is loaded once; each source is a click in its sidebar
    meta = spec["config"]["meta"]
    assert meta["landing_path"] == f"landing/{spec['name']}/"
    click_tree_item(sidebar_section(page, "Sources"), spec["name"])
    page.wait_for_url(re.compile(re.escape(f"#!/source_list/{spec['name']}") + "$"))

    details = detail_values(section_of(page, "details"))
    assert details["landing_path"] == meta["landing_path"]
    assert details["loader"] == spec["loader"]
    assert {key: details.get(key) for key in meta} == {k: str(v) for k, v in meta.items()}
    assert shown(section_of(page, "description").locator(".model-markdown").first) == plain(
        spec["description"]
    )


def test_site_opens_from_disk(page: Page, docs_site: Path) -> None:
    open_home(page, f"{docs_site.as_uri()}#!/model/{MART_ID}")
    assert_mart_page(page)
