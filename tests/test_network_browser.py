"""The interactive page in headless Chromium: it draws the nodes, and asks nothing of the network.

The page is served from 127.0.0.1 by a server that logs every request, and
opened by Debian's ``chromium`` with every host name made unresolvable and a
NetLog recorded. The page reports in its DOM how many nodes it drew and which
resources it loaded; a screenshot is kept in ``tests/artefacts/``.
"""

# ruff: noqa: N806  (networkx's convention: G and H are graphs)

from __future__ import annotations

import contextlib
import json
import re
import subprocess
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest

from pgraph.network import build
from pgraph.network.draw import draw
from pgraph.store import open_store
from tests.conftest import TESTS

CHROMIUM = Path("/usr/bin/chromium")
ARTEFACTS = TESTS / "artefacts"

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Chromium is not installed: apt-get install -y chromium (Debian's package)",
    ),
]

QUIET = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--disable-breakpad",
    "--no-pings",
    "--metrics-recording-only",
    "--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication,"
    "SpellcheckService,NetworkTimeServiceQuerying",
    # Any host name but 127.0.0.1 fails to resolve: nothing can leave the machine.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]


def chromium(url: str, profile: Path, *extra: str) -> str:
    result = subprocess.run(
        [
            str(CHROMIUM),
            *QUIET,
            f"--user-data-dir={profile}",
            "--virtual-time-budget=8000",
            *extra,
            url,
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


@contextlib.contextmanager
def serve(folder: Path):
    """Serve ``folder`` on 127.0.0.1 (a free port), recording each request's path."""
    requests: list[str] = []

    class Handler(SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(folder), **kwargs)

        def log_message(self, format, *args):
            requests.append(self.path)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requests
    finally:
        server.shutdown()
        server.server_close()


def dom_text(dom: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}"[^>]*>([^<]*)<', dom)
    assert match, f"no #{element_id} in the page"
    return match.group(1)


def netlog_requests(path: Path) -> list[dict]:
    """Return the URL requests of a Chromium NetLog: url, and the page (top frame) they serve."""
    log = json.loads(path.read_text(encoding="utf-8"))
    start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    return [
        {
            "url": event["params"]["url"],
            "page": event["params"].get("network_isolation_key", "").split(" ")[0],
        }
        for event in log["events"]
        if event["type"] == start_job and "url" in event.get("params", {})
    ]


@pytest.fixture(scope="module")
def page(built_store_path, tmp_path_factory) -> Path:
    G = build("co-partnership", store=open_store(built_store_path, read_only=True))
    return draw(G, tmp_path_factory.mktemp("page") / "co-partnership.html")


def test_page_draws_its_nodes_and_loads_nothing(page, tmp_path):
    netlog = tmp_path / "netlog.json"
    with serve(page.parent) as (origin, requests):
        dom = chromium(
            f"{origin}/{page.name}", tmp_path / "profile", "--dump-dom", f"--log-net-log={netlog}"
        )
    assert 'data-status="drawn"' in dom
    assert dom_text(dom, "node-count") == "133" == dom_text(dom, "node-total")
    assert dom_text(dom, "edge-count") == "402"
    assert json.loads(dom_text(dom, "resources")) == []  # the page fetched nothing
    assert [r for r in requests if r != "/favicon.ico"] == [f"/{page.name}"]
    # Every request made for the page went to 127.0.0.1 (the browser's own
    # background requests, for other top frames, could not resolve anyway).
    for_page = [r for r in netlog_requests(netlog) if r["page"] == "http://127.0.0.1"]
    assert for_page and all(r["url"].startswith(origin + "/") for r in for_page), for_page


def test_page_works_from_a_file_and_a_screenshot_is_kept(page, tmp_path):
    dom = chromium(page.as_uri(), tmp_path / "profile", "--dump-dom")
    assert dom_text(dom, "node-count") == "133"
    ARTEFACTS.mkdir(exist_ok=True)
    screenshot = ARTEFACTS / "network-co-partnership.png"
    screenshot.unlink(missing_ok=True)
    chromium(
        page.as_uri(), tmp_path / "profile2", f"--screenshot={screenshot}", "--window-size=1280,900"
    )
    assert screenshot.stat().st_size > 30_000
    from PIL import Image

    image = Image.open(screenshot).convert("RGB")
    assert image.size == (1280, 900)
    pixels = np.asarray(image.resize((320, 225))).reshape(-1, 3)
    assert len({tuple(p) for p in pixels}) > 100  # nodes in colour, not a blank page


def test_page_filters_by_community(page, tmp_path):
    data = json.loads(
        re.search(r'id="graph-data">(.*?)</script>', page.read_text(encoding="utf-8"), re.S).group(
            1
        )
    )
    sizes = {c["community"]: c["size"] for c in data["communities"]}
    dom = chromium(f"{page.as_uri()}#community=1,3", tmp_path / "profile", "--dump-dom")
    assert dom_text(dom, "node-count") == str(sizes[1] + sizes[3])
    assert dom_text(dom, "node-total") == "133"


@pytest.fixture(scope="module")
def described_page(built_store_path, tmp_path_factory) -> tuple[Path, dict]:
    """The co-partnership page with organisations' domains, as `pgraph network draw` makes it."""
    G = build("co-partnership", store=open_store(built_store_path, read_only=True), domains=True)
    page = draw(G, tmp_path_factory.mktemp("described") / "co.html")
    data = json.loads(
        re.search(r'id="graph-data">(.*?)</script>', page.read_text(encoding="utf-8"), re.S).group(
            1
        )
    )
    return page, data


def test_page_filters_by_country_and_domain(described_page, tmp_path):
    page, data = described_page
    assert "GB" in data["countries"] and data["domains"]
    in_gb = sum(1 for n in data["nodes"] if "GB" in n["countries"])
    dom = chromium(f"{page.as_uri()}#country=GB", tmp_path / "profile", "--dump-dom")
    assert dom_text(dom, "node-count") == str(in_gb) != dom_text(dom, "node-total")
    domain = data["domains"][0]
    both = sum(1 for n in data["nodes"] if "GB" in n["countries"] and domain in n["domains"])
    dom = chromium(
        f"{page.as_uri()}#country=GB&domain={domain.replace(' ', '%20')}",
        tmp_path / "profile2",
        "--dump-dom",
    )
    assert dom_text(dom, "node-count") == str(both)


def test_ties_name_their_practices_and_labels_are_readable(described_page, tmp_path):
    page, data = described_page
    tie = next(e for e in data["edges"] if "2 practices:" in e["title"])
    assert tie["title"].count("\n") >= 1 and "; " in tie["title"].split("\n")[1]
    dom = chromium(page.as_uri(), tmp_path / "profile", "--dump-dom")
    # Labels are chosen so that they do not overlap at the default zoom: some, not all.
    assert 10 <= int(dom_text(dom, "label-count")) < len(data["nodes"])
