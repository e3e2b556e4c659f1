"""Every test here runs offline, with the dataset cache in a fresh temporary folder."""

import urllib.error

import pytest

from nn.datasets import download


def _refuse_network(url):
    raise urllib.error.URLError(f"network disabled in tests (asked for {url})")


@pytest.fixture(autouse=True)
def offline(monkeypatch, tmp_path):
    """Block downloads and point RUNGRAD_DATA at tmp_path; yields the cache root."""
    monkeypatch.setattr(download, "_open_url", _refuse_network)
    monkeypatch.setenv("RUNGRAD_DATA", str(tmp_path / "cache"))
    return tmp_path / "cache"

