"""A store that holds several festivals: `--festival NAME` picks one, and a stack's site has a
place for each (issue 15, point 1). Dates in 2030, so that removed sets stay cancelled."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from festival_cli.core.errors import NotFoundError, OptionError
from festival_cli.core.ingest import ingest
from festival_cli.publish.layout import stack_site
from festival_cli.publish.site import SiteFile, build_site
from festival_cli.stores.sqlite import SqliteStore
from tests.factories import document, record

RIVERSIDE = "Riverside Sounds 2030"
HARBOUR = "Harbour Jazz 2030"
RIVER_SETS = [record(performer="Aurora Fields", date="2030-07-10"),
              record(performer="Brass Tide", stage="Tent", date="2030-07-11")]
HARBOUR_SETS = [record(performer="Cobalt Trio", stage="Pier", date="2030-08-01",
                       start="20:00", end="21:30")]


def two_festivals(store: SqliteStore) -> None:
    ingest(store, document(*RIVER_SETS, festival=RIVERSIDE), "riverside.json")
    ingest(store, document(*HARBOUR_SETS, festival=HARBOUR, timezone="Europe/Lisbon"),
           "harbour.json")


def by_path(files: list[SiteFile]) -> dict[str, SiteFile]:
    return {f.path: f for f in files}


def conference(files: dict[str, SiteFile], path: str = "schedule.json") -> dict[str, Any]:
    return json.loads(files[path].body)["schedule"]["conference"]


def titles(files: dict[str, SiteFile], path: str = "schedule.json") -> list[str]:
    return [e["title"] for day in conference(files, path)["days"]
            for events in day["rooms"].values() for e in events]


def test_several_festivals_and_no_name_is_refused_naming_them(sqlite_store: SqliteStore) -> None:
    two_festivals(sqlite_store)
    with pytest.raises(OptionError) as refused:
        build_site(sqlite_store)
    message = refused.value.spelled(lambda field: f"--{field}")
    assert message == (f"the store holds 2 festivals ('{HARBOUR}' (1 set), '{RIVERSIDE}' "
                       "(2 sets)): name the one to publish with --festival")


def test_the_named_festival_is_published_alone_in_its_own_zone(
        sqlite_store: SqliteStore) -> None:
    two_festivals(sqlite_store)
    harbour = by_path(build_site(sqlite_store, festival=HARBOUR))
    assert titles(harbour) == ["Cobalt Trio"]
    assert (conference(harbour)["title"], conference(harbour)["time_zone_name"]) == (
        HARBOUR, "Europe/Lisbon")
    assert "Aurora Fields" not in harbour["festival.ics"].body.decode()
    assert set(harbour) >= {"stages/pier.ics"} and "stages/main.ics" not in harbour
    assert b"harbour.json" in harbour["changes.atom"].body
    assert b"riverside.json" not in harbour["changes.atom"].body
    riverside = by_path(build_site(sqlite_store, festival=RIVERSIDE))
    assert titles(riverside) == ["Aurora Fields", "Brass Tide"]
    assert json.loads(riverside["lineup.json"].body)["festival"] == RIVERSIDE


def test_a_name_the_store_does_not_hold_is_refused_naming_those_it_holds(
        sqlite_store: SqliteStore) -> None:
    two_festivals(sqlite_store)
    with pytest.raises(NotFoundError, match=(
            f"no festival named 'Riverside' here: the store holds '{HARBOUR}' .1 set., "
            f"'{RIVERSIDE}' .2 sets.")):
        build_site(sqlite_store, festival="Riverside")
    with pytest.raises(NotFoundError, match="no festival named 'Riverside'"):
        stack_site(sqlite_store, festival="Riverside")


def test_sets_of_files_naming_no_festival_are_one_festival_named_by_the_empty_name(
        sqlite_store: SqliteStore) -> None:
    ingest(sqlite_store, document(*RIVER_SETS, festival=RIVERSIDE), "riverside.json")
    ingest(sqlite_store, document(*HARBOUR_SETS, festival=None), "nameless.json")
    with pytest.raises(OptionError, match=r"'' \(files that named no festival: 1 set\)"):
        build_site(sqlite_store)
    nameless = by_path(build_site(sqlite_store, festival=""))
    assert titles(nameless) == ["Cobalt Trio"]
    assert conference(nameless)["title"] == "Festival"


def test_one_festival_needs_no_name(sqlite_store: SqliteStore) -> None:
    ingest(sqlite_store, document(*RIVER_SETS, festival=RIVERSIDE), "riverside.json")
    assert conference(by_path(build_site(sqlite_store)))["title"] == RIVERSIDE
    # A stack's site of one festival: at the root, as before there were several.
    assert {f.path for f in stack_site(sqlite_store)} == {f.path for f in build_site(sqlite_store)}


def test_a_stack_site_gives_each_festival_a_folder_and_the_root_to_the_latest(
        sqlite_store: SqliteStore) -> None:
    two_festivals(sqlite_store)
    site = by_path(stack_site(sqlite_store))
    assert conference(site, "riverside_sounds_2030/schedule.json")["title"] == RIVERSIDE
    assert conference(site, "harbour_jazz_2030/schedule.json")["title"] == HARBOUR
    assert conference(site)["title"] == HARBOUR  # its last day (1 August) is the latest
    assert site["schedule.xml"].body == site["harbour_jazz_2030/schedule.xml"].body
    assert "harbour_jazz_2030/stages/pier.ics" in site
    only = {f.path for f in stack_site(sqlite_store, festival=RIVERSIDE)}
    assert only == {p for p in site if p.startswith("riverside_sounds_2030/")}


def test_two_festivals_of_one_acronym_get_two_folders(sqlite_store: SqliteStore) -> None:
    ingest(sqlite_store, document(*RIVER_SETS, festival="Fest 2030"), "a.json")
    ingest(sqlite_store, document(*HARBOUR_SETS, festival="fest-2030"), "b.json")
    folders = {f.path.split("/")[0] for f in stack_site(sqlite_store) if "/" in f.path}
    assert {"fest_2030", "fest_2030-2"} <= folders


def test_a_base_url_points_each_folder_s_links_into_it(sqlite_store: SqliteStore) -> None:
    two_festivals(sqlite_store)
    site = by_path(stack_site(sqlite_store, base_url="https://fest.example/"))
    assert conference(site, "riverside_sounds_2030/schedule.json")["url"] == (
        "https://fest.example/riverside_sounds_2030/")
    assert conference(site)["url"] == "https://fest.example/"


# -- the command ----------------------------------------------------------------------------
Cli = Callable[..., Result]


def test_the_command_refuses_several_festivals_naming_them_and_writes_nothing(
        cli: Cli, db_path: Path, tmp_path: Path) -> None:
    two_festivals(SqliteStore(db_path, write=True))
    refused = cli("publish", tmp_path / "site", "--db", db_path)
    assert refused.exit_code == 2
    assert (f"the store holds 2 festivals ('{HARBOUR}' (1 set), '{RIVERSIDE}' (2 sets)): "
            "name the one to publish with --festival") in " ".join(refused.stderr.split())
    assert not (tmp_path / "site").exists()
    chosen = cli("publish", tmp_path / "site", "--db", db_path, "--festival", HARBOUR)
    assert chosen.exit_code == 0, chosen.output
    assert chosen.stderr.startswith(f"published {HARBOUR} into ")
    files = [f for f in (tmp_path / "site").rglob("*") if f.is_file()]
    assert chosen.stderr.endswith(f": {len(files)} files, 1 set\n")
    written = json.loads((tmp_path / "site" / "schedule.json").read_text())
    assert written["schedule"]["conference"]["title"] == HARBOUR
