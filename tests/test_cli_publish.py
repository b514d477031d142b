"""`festival publish DIR`: the local store's site written into a folder (issue 15, point 1)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from festival_cli.stores.sqlite import SqliteStore

ROOT = Path(__file__).resolve().parents[1]
Cli = Callable[..., Result]


def test_publish_writes_the_site_and_says_what_it_wrote(cli: Cli, db_path: Path,
                                                         tmp_path: Path) -> None:
    assert cli("upload", "--db", db_path, ROOT / "examples/lineup.json").exit_code == 0
    site = tmp_path / "site"
    result = cli("publish", site, "--db", db_path)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr.startswith(f"published Riverside Sounds 2026 into {site}: ")
    assert "76 sets" in result.stderr
    names = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    assert {"index.html", "schedule.xml", "schedule.json", "lineup.json", "festival.ics",
            "changes.atom"} <= names
    assert any(n.startswith("stages/") and n.endswith(".ics") for n in names)
    schedule = json.loads((site / "schedule.json").read_text())
    assert schedule["schedule"]["conference"]["title"] == "Riverside Sounds 2026"


def test_the_festival_option_picks_the_store_s_festival_or_is_refused_naming_it(
        cli: Cli, db_path: Path, tmp_path: Path) -> None:
    cli("upload", "--db", db_path, ROOT / "examples/lineup.json")
    refused = cli("publish", tmp_path / "a", "--db", db_path, "--festival", "Other")
    assert refused.exit_code == 1
    assert "no festival named 'Other' here: the store holds 'Riverside Sounds 2026'" in (
        refused.stderr)
    assert not (tmp_path / "a").exists()
    chosen = cli("publish", tmp_path / "b", "--db", db_path, "--festival",
                 "Riverside Sounds 2026")
    assert chosen.exit_code == 0, chosen.output


def test_an_empty_store_publishes_nothing(cli: Cli, db_path: Path, tmp_path: Path) -> None:
    SqliteStore(db_path).close()  # a store, empty
    result = cli("publish", tmp_path / "site", "--db", db_path)
    assert result.exit_code == 1
    assert "error: nothing to publish: the store holds no sets" in result.stderr
    assert not (tmp_path / "site").exists()


def test_a_file_as_the_folder_is_a_usage_error(cli: Cli, db_path: Path,
                                               tmp_path: Path) -> None:
    cli("upload", "--db", db_path, ROOT / "examples/lineup.json")
    (tmp_path / "taken").write_text("")
    result = cli("publish", tmp_path / "taken", "--db", db_path)
    assert result.exit_code == 2
    assert "taken" in result.stderr


def test_a_folder_that_cannot_be_made_is_an_error_naming_it(cli: Cli, db_path: Path,
                                                            tmp_path: Path) -> None:
    cli("upload", "--db", db_path, ROOT / "examples/lineup.json")
    (tmp_path / "file").write_text("")  # where the site's parent folder should be
    result = cli("publish", tmp_path / "file" / "site", "--db", db_path)
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"error: cannot write the site into {tmp_path / 'file' / 'site'}: ")
    assert "Traceback" not in result.output and (tmp_path / "file").read_text() == ""
