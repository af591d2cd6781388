"""Shared fixtures: paths to the bundled data, the seed page, a store built from data/."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
TESTS = Path(__file__).resolve().parent
SEED_PAGE = DATA / "pages" / "000_370808593d96a53c.txt"
SEED_URL = "https://firstlinepractitioners.com/fr/practice/z-community-policing-in-the-uk"
pytest_plugins = ["tests.servers"]  # oxigraph_server, virtuoso_server (real stores on 127.0.0.1)


@pytest.fixture(scope="session")
def seed_page() -> Path:
    return SEED_PAGE


@pytest.fixture(scope="session")
def built_store_path(tmp_path_factory) -> Path:
    """An on-disk store built from the bundled data/ (built once per test session).

    Tests must not write to it; copy it (``shutil.copytree``) to change it.
    """
    from pgraph.build import build_catalogue

    path = tmp_path_factory.mktemp("built") / "store"
    report = build_catalogue([DATA], store_path=path)
    assert not report.errors, [str(e) for e in report.errors]
    return path


@pytest.fixture(scope="session")
def built_store(built_store_path):
    """The store built from data/, opened read-only."""
    import pyoxigraph

    return pyoxigraph.Store.read_only(str(built_store_path))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI (PGRAPH_REQUIRE_SERVERS=1) a skipped integration test is a failure, not a skip."""
    outcome = yield
    report = outcome.get_result()
    if (
        os.environ.get("PGRAPH_REQUIRE_SERVERS")
        and report.skipped
        and item.get_closest_marker("integration") is not None
    ):
        report.outcome = "failed"
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.longrepr = f"integration test skipped in CI (PGRAPH_REQUIRE_SERVERS=1): {reason}"


def pytest_addoption(parser):
    parser.addoption(
        "--update-golden", action="store_true",
        help="Rewrite golden files from the current output (review the diff before committing).",
    )
