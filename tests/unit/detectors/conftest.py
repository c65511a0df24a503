"""The detector is built once per test session: its gazetteer takes a second to load."""

from __future__ import annotations

import pytest

from streams.detectors import Detector, default_detector


@pytest.fixture(scope="session")
def detector() -> Detector:
    """The default detector (GeoNames gazetteer), shared by every detector test."""
    return default_detector()
