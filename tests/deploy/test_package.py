"""The function package: what it holds, that it is reproducible, and that it imports alone."""

from __future__ import annotations

import ast
import io
import os
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from festival_cli.aws.package import ZIP_EPOCH, Package, build_package, own_size, source_root
from festival_cli.core.errors import DeployError
from festival_cli.publish.page import ASSETS

FORBIDDEN_IMPORTS = {"typer", "rich", "click"}


@pytest.fixture(scope="module")
def real() -> Package:
    """The package of this checkout's sources."""
    return build_package()


def imported_modules(source: str) -> set[str]:
    """The top-level names of every module `source` imports (anywhere, lazily or not)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


# ---- what it holds ------------------------------------------------------------------------

def test_holds_the_handler(real: Package) -> None:
    assert "lambda_handler/handler.py" in real.files


def test_holds_the_whole_core(real: Package) -> None:
    core = sorted(p.relative_to(source_root()).as_posix()
                  for p in (source_root() / "festival_cli" / "core").glob("*.py"))
    assert set(core) <= set(real.files)


def test_holds_the_dynamodb_store_its_items_and_schema(real: Package) -> None:
    assert {"festival_cli/stores/dynamodb.py", "festival_cli/stores/dynamodb_items.py",
            "festival_cli/stores/dynamodb_schema.py"} <= set(real.files)


def test_holds_the_publisher_and_the_page_it_publishes(real: Package) -> None:
    """The function publishes the site: the page's files are package data it reads."""
    archive = zipfile.ZipFile(io.BytesIO(real.data))
    page = source_root() / "festival_cli" / "publish" / "page"
    for name in ASSETS:
        entry = f"festival_cli/publish/page/{name}"
        assert archive.read(entry) == (page / name).read_bytes()
    assert {"festival_cli/publish/site.py", "festival_cli/publish/bucket.py"} <= set(real.files)


@pytest.mark.parametrize("excluded", ["festival_cli/cli/", "festival_cli/aws/",
                                      "festival_cli/cost/", "festival_cli/stores/sqlite.py",
                                      "festival_cli/targets/"])
def test_holds_nothing_of_the_cli(real: Package, excluded: str) -> None:
    assert not [name for name in real.files if name.startswith(excluded)]


def test_no_packaged_source_imports_typer_rich_or_click(real: Package) -> None:
    archive = zipfile.ZipFile(io.BytesIO(real.data))
    offenders = {name: imported_modules(archive.read(name).decode()) & FORBIDDEN_IMPORTS
                 for name in real.files if name.endswith(".py")}
    assert {name: found for name, found in offenders.items() if found} == {}


def test_our_code_is_under_200_kb_and_tzdata_adds_under_400(real: Package) -> None:
    assert own_size(real) < 200 * 1024
    assert real.size < 600 * 1024


def test_holds_the_time_zone_database(real: Package) -> None:
    assert {"tzdata/__init__.py", "tzdata/zoneinfo/Europe/London",
            "tzdata/zoneinfo/America/Sao_Paulo"} <= set(real.files)


ZONED = b"""{"festival": "Riverside", "timezone": "Europe/London", "performances": [
  {"performer": "Aurora Fields", "stage": "Main", "date": "2026-07-10",
   "start": "18:00", "end": "19:15"}]}"""


@pytest.mark.parametrize("with_tzdata", [True, False])
def test_a_zoned_lineup_is_valid_in_the_package_without_system_zoneinfo(
    real: Package, tmp_path: Path, with_tzdata: bool
) -> None:
    """From the unzipped package alone (-I -S: no site-packages, so no tzdata installed here),
    with zoneinfo's search path emptied (no system zone files): the zone is still known.
    Without the package's tzdata/ (the second case) the same file is refused."""
    zipfile.ZipFile(io.BytesIO(real.data)).extractall(tmp_path)
    if not with_tzdata:
        import shutil

        shutil.rmtree(tmp_path / "tzdata")
    probe = textwrap.dedent(f"""
        import sys, zoneinfo
        sys.path.insert(0, {str(tmp_path)!r})
        zoneinfo.reset_tzpath(to=[])
        from festival_cli.core.lineup import check_lineup
        report = check_lineup({ZONED!r}, "zoned.json")
        print("ok" if not report.errors else report.errors[0].message)
    """)
    result = subprocess.run([sys.executable, "-I", "-S", "-c", probe], capture_output=True,
                            text=True, timeout=60, env={"PYTHONTZPATH": ""})
    assert result.returncode == 0, result.stderr
    if with_tzdata:
        assert result.stdout.strip() == "ok"
    else:
        assert "Europe/London" in result.stdout


def test_holds_no_compiled_files(tree: Path) -> None:
    cache = tree / "festival_cli" / "core" / "__pycache__"
    cache.mkdir()
    (cache / "model.cpython-312.pyc").write_bytes(b"\0")
    (cache / "stray.py").write_text("")
    assert [n for n in build_package(tree).files if "__pycache__" in n or n.endswith(".pyc")] == []


def test_a_missing_module_is_named(tree: Path) -> None:
    (tree / "festival_cli" / "stores" / "dynamodb.py").unlink()
    with pytest.raises(DeployError, match=r"festival_cli/stores/dynamodb\.py is missing"):
        build_package(tree)


# ---- reproducible -------------------------------------------------------------------------

def test_the_same_sources_give_the_same_bytes() -> None:
    first, second = build_package(), build_package()
    assert first.data == second.data
    assert first.sha256 == second.sha256


def test_bytes_ignore_file_times_and_modes(tree: Path) -> None:
    before = build_package(tree)
    for path in tree.rglob("*.py"):
        os.utime(path, (2_000_000_000, 2_000_000_000))
        path.chmod(0o755)
    assert build_package(tree).data == before.data


def test_a_changed_source_changes_the_name(tree: Path) -> None:
    before = build_package(tree)
    (tree / "lambda_handler" / "handler.py").write_text("def handler(e, c):\n    return 1\n")
    after = build_package(tree)
    assert after.key != before.key
    assert after.key == f"festival/lambda-{after.sha256}.zip"


def test_entries_are_sorted_with_fixed_time_and_mode(package: Package) -> None:
    infos = zipfile.ZipFile(io.BytesIO(package.data)).infolist()
    assert [i.filename for i in infos] == sorted(i.filename for i in infos)
    assert {(i.date_time, i.external_attr >> 16) for i in infos} == {(ZIP_EPOCH, 0o100644)}


# ---- importable on its own ----------------------------------------------------------------

def test_the_handler_imports_from_the_package_alone(real: Package, tmp_path: Path) -> None:
    """In a clean interpreter (-I) whose path starts at the extracted package: the handler and
    everything of ours it imports come from the package, and neither Typer, Rich nor the boto3
    type stubs are loaded."""
    zipfile.ZipFile(io.BytesIO(real.data)).extractall(tmp_path)
    probe = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(tmp_path)!r})
        import lambda_handler.handler
        ours = [m for name, m in sys.modules.items()
                if name.split(".")[0] in ("festival_cli", "lambda_handler")]
        outside = [m.__name__ for m in ours
                   if not (getattr(m, "__file__", None) or "").startswith({str(tmp_path)!r})]
        assert not outside, f"imported from outside the package: {{outside}}"
        loaded = {{"typer", "rich", "click"}} & {{n.split(".")[0] for n in sys.modules}}
        assert not loaded, f"the handler loads {{loaded}}"
        stubs = [n for n in sys.modules if n.startswith(("types_boto3", "botocore_stubs"))]
        assert not stubs, f"type stubs are for mypy only, yet loaded: {{stubs}}"
        assert callable(lambda_handler.handler.handler)
    """)
    result = subprocess.run([sys.executable, "-I", "-c", probe], capture_output=True,
                            text=True, timeout=60, env={**os.environ, "AWS_DEFAULT_REGION":
                                                        "eu-west-1"})
    assert result.returncode == 0, result.stderr
