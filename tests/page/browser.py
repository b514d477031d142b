"""Headless Chromium for the page's tests and benchmark: the browser, and a local site server.

Debian's `chromium` driven through its `chromedriver` (both on PATH: `python3 dev.py test`
installs them). Never Selenium Manager: nothing is downloaded. The flags keep a headless browser
on a closed network quiet (no background, component or sync requests) and in a fresh profile.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

from festival_cli.publish.page import CONTENT_SECURITY_POLICY

FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
)
# The visitor is far from the festival: every time on the page must still be the festival's.
VISITOR_TZ = "America/New_York"


def chromium_paths() -> tuple[str, str]:
    """The browser and its driver, or RuntimeError saying what to install."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if browser is None or driver is None:
        raise RuntimeError(
            "the page's browser tests need Chromium and its driver on PATH: on Debian or Ubuntu "
            "`apt-get install chromium chromium-driver` (python3 dev.py test does it as root)")
    return browser, driver


@contextmanager
def chromium(downloads: Path | None = None) -> Iterator[Any]:
    """One headless Chromium (a Selenium WebDriver), quit on exit."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    browser, driver_path = chromium_paths()
    profile = tempfile.mkdtemp(prefix="festival-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.add_argument("--window-size=1280,800")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    if downloads is not None:
        options.add_experimental_option("prefs", {
            "download.default_directory": str(downloads),
            "download.prompt_for_download": False,
        })
    service = Service(executable_path=driver_path, env={**os.environ, "TZ": VISITOR_TZ})
    driver = webdriver.Chrome(options=options, service=service)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


class _Handler(SimpleHTTPRequestHandler):
    """Static files with the stack's Content-Security-Policy (and no caching between tests)."""

    extensions_map: ClassVar[dict[str, str]] = {**SimpleHTTPRequestHandler.extensions_map,
                      ".js": "text/javascript; charset=utf-8",
                      ".css": "text/css; charset=utf-8",
                      ".html": "text/html; charset=utf-8",
                      ".json": "application/json; charset=utf-8",
                      ".ics": "text/calendar; charset=utf-8"}

    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve(site: Path) -> Iterator[str]:
    """Serve `site` on 127.0.0.1 (a free port); yields its base URL, ending in `/`."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Handler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def viewport(driver: Any, width: int, height: int) -> None:
    """The page's viewport exactly `width` x `height` CSS pixels (a phone: touch, mobile)."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})


def open_page(driver: Any, url: str, *, ready: str = "all", timeout: float = 10) -> None:
    """Load `url` and wait until the page says it has drawn (`day`, or `all` days)."""
    from selenium.webdriver.support.wait import WebDriverWait

    driver.get("about:blank")  # a fresh load even when only the #fragment differs
    driver.get(url)
    wanted = {"day": ("day", "all"), "all": ("all",)}[ready]
    WebDriverWait(driver, timeout).until(
        lambda d: d.execute_script("return document.documentElement.dataset.ready")
        in (*wanted, "error"))
    state = driver.execute_script("return document.documentElement.dataset.ready")
    if state == "error":
        raise AssertionError(driver.find_element("id", "status").text)
