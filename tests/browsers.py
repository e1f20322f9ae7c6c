"""Debian's chromium, headless, for the browser tests: the one place that finds it, says what
is missing (a failure under CI, which must run these tests; a skip elsewhere) and starts it
with the project's flags and a fresh profile."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest  # only start_chromium uses it

FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


def find_chromium() -> tuple[str, str] | None:
    """(chromium, chromedriver) as installed, or None when either is missing."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    return (chromium, driver) if chromium and driver else None


def launch_chromium(found: tuple[str, str], profile: Path | str, width: int, height: int) -> Any:
    """A selenium driver of headless chromium (``found`` from ``find_chromium``) with the
    project's flags, a fresh ``profile`` folder and a window of ``width`` × ``height`` px.
    Without pytest, for the benchmarks and the site check too (they load this file by path)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium, driver = found
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in (*FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}"):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(executable_path=driver), options=options)


def start_chromium(profile: Path, width: int, height: int) -> Any:
    """``launch_chromium`` for a test: skips (fails under CI) when chromium, its driver or
    selenium is missing."""
    found = find_chromium()
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("CI needs Debian's chromium and chromium-driver (.ci/run installs them)")
        pytest.skip("Debian's chromium and chromium-driver are not installed (.ci/run installs them as root)")
    pytest.importorskip("selenium.webdriver")
    return launch_chromium(found, profile, width, height)
