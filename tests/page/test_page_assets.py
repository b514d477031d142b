"""The page's files as shipped: small, self-contained, and the schedule embedded safely."""

from __future__ import annotations

import gzip
import json
import re

from festival_cli.publish.page import ASSETS, CONTENT_SECURITY_POLICY, SCRIPTS, asset, page_files

LIMIT = 30 * 1024


def test_the_page_is_at_most_30_kb_gzipped_without_its_data() -> None:
    sizes = {name: len(gzip.compress(asset(name), 9)) for name in ASSETS}
    total = sum(sizes.values())
    print(f"page gzipped: {total:,} bytes {sizes}")
    assert total <= LIMIT, sizes
    assert sum(sizes[name] for name in SCRIPTS) > 5_000  # the real scripts, not stubs


def test_no_file_of_the_page_names_another_host() -> None:
    for name in ASSETS:
        text = asset(name).decode()
        urls = set(re.findall(r"(?:https?:)?//[A-Za-z0-9.-]+\.[a-z]{2,}", text))
        # The SVG namespace is a name, never fetched.
        assert urls <= {"http://www.w3.org"}, (name, urls)
        assert "@import" not in text and "url(" not in text.replace("data-", ""), name


def test_the_page_has_no_inline_script_or_style() -> None:
    html = asset("index.html").decode()
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, flags=re.S)
    assert scripts, "index.html loads its scripts"
    for attrs, body in scripts:
        assert not body, attrs
        assert (re.fullmatch(r' src="[a-z]+\.js" defer', attrs)
                or attrs == ' id="schedule-data" type="application/json"'), attrs
    assert "<style" not in html and " style=" not in html
    assert not re.search(r"\son[a-z]+=", html)  # no inline event handler


def test_index_html_runs_the_scripts_in_their_order_as_classic_deferred_scripts() -> None:
    """Each script uses what the ones before it define; classic, since Chromium refuses module
    scripts from file:// and the page must work opened from disk."""
    html = asset("index.html").decode()
    tags = re.findall(r"<script\b[^>]*\bsrc=[^>]*>", html)
    assert tags == [f'<script src="{name}" defer>' for name in SCRIPTS]
    for name in SCRIPTS:
        script = asset(name).decode()
        assert not re.search(r"^\s*(?:import|export)\b", script, flags=re.M), name


def test_the_policy_allows_only_this_origin() -> None:
    directives = dict(d.split(" ", 1) for d in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["default-src"] == "'self'"
    assert "unsafe" not in CONTENT_SECURITY_POLICY
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"


def test_the_embedded_schedule_cannot_end_its_block_early() -> None:
    hostile = json.dumps({"schedule": {"conference": {"title": "</script><script>alert(1)"}}})
    html = page_files(hostile)["index.html"].decode()
    block = re.search(r'<script id="schedule-data" type="application/json">(.*?)</script>',
                      html, flags=re.S)
    assert block is not None
    assert json.loads(block.group(1)) == json.loads(hostile)
    assert html.count("<script") == len(SCRIPTS) + 1  # the scripts and the data block, no more


def test_every_file_of_the_page_is_package_data_of_the_wheel() -> None:
    import tomllib
    from fnmatch import fnmatch
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    config = tomllib.loads((root / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]["festival_cli.publish.page"]
    for name in ASSETS:
        assert any(fnmatch(name, p) for p in patterns), name
    on_disk = {p.name for p in (root / "festival_cli" / "publish" / "page").iterdir()
               if p.suffix != ".py" and p.name != "__pycache__"}
    assert on_disk == set(ASSETS)
