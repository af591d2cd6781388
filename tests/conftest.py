"""Shared fixtures: paths to the bundled data and the seed page."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
TESTS = Path(__file__).resolve().parent


@pytest.fixture(scope="session")
def seed_page() -> Path:
    return DATA / "pages" / "000_370808593d96a53c.txt"
