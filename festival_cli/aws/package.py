"""The Lambda function's package: the handler and the shared core, zipped reproducibly.

The same sources always give the same bytes (files in sorted order, every timestamp
1980-01-01 00:00, every mode 0644, no __pycache__), so the package can be named by its sha256:
an unchanged package is not uploaded again and CloudFormation sees no change.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import festival_cli
from festival_cli.core.errors import DeployError

# What the function imports, relative to the directory holding festival_cli/: whole packages
# (every .py below them) and single modules. Nothing of festival_cli.cli, festival_cli.aws or
# festival_cli.cost: the function has no use for Typer, Rich, the deploy code or the estimate.
PACKAGES = ("lambda_handler", "festival_cli/core", "festival_cli/publish")
# Besides the .py files, the package data the function reads: the timetable page's files,
# which the published site carries (festival_cli/publish/page).
DATA_SUFFIXES = (".html", ".css", ".js", ".svg")
MODULES = (
    "festival_cli/__init__.py",
    "festival_cli/aws_errors.py",
    "festival_cli/stores/__init__.py",
    "festival_cli/stores/dynamodb.py",
    "festival_cli/stores/dynamodb_items.py",
    "festival_cli/stores/dynamodb_schema.py",
    "festival_cli/stores/dynamodb_register.py",
    "festival_cli/stores/dynamodb_manifest.py",
    "festival_cli/stores/dynamodb_consistent.py",
)
# Third-party packages the function carries, whole: `tzdata`, the IANA time-zone database, so
# that a lineup's `timezone` is checked against the same zones in the function as in the CLI
# even where the Lambda runtime has no system zoneinfo (zoneinfo falls back to it). ~320 KB
# zipped; our own code stays under 200 KB.
VENDORED = ("tzdata",)
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can hold
FILE_MODE = 0o100644  # a regular file, rw-r--r--


@dataclass(frozen=True)
class Package:
    """A built function package: its bytes, their sha256 and the files it holds."""

    data: bytes
    sha256: str
    files: tuple[str, ...]

    @property
    def key(self) -> str:
        """The artifact bucket key, named by content so that equal packages share one object."""
        return f"festival/lambda-{self.sha256}.zip"

    @property
    def size(self) -> int:
        return len(self.data)


def source_root() -> Path:
    """The directory holding festival_cli/ and lambda_handler/ (a checkout or site-packages)."""
    return Path(festival_cli.__file__).resolve().parent.parent


def package_files(root: Path) -> list[str]:
    """The POSIX paths, relative to `root`, of the files the package holds, sorted."""
    found: set[str] = set()
    for package in PACKAGES:
        directory = root / package
        if not directory.is_dir():
            raise DeployError(f"cannot build the function package: {directory} is missing")
        for path in directory.rglob("*"):
            relative = path.relative_to(root)
            if path.is_file() and path.suffix in (".py", *DATA_SUFFIXES) \
                    and "__pycache__" not in relative.parts:
                found.add(PurePosixPath(*relative.parts).as_posix())
    for module in MODULES:
        if not (root / module).is_file():
            raise DeployError(f"cannot build the function package: {root / module} is missing")
        found.add(module)
    return sorted(found)


def vendored_files() -> dict[str, Path]:
    """Every file of the VENDORED packages as installed here (their data too), by its path in
    the package; no compiled files."""
    import importlib.util

    found: dict[str, Path] = {}
    for name in VENDORED:
        spec = importlib.util.find_spec(name)
        if spec is None or not spec.submodule_search_locations:
            raise DeployError(f"cannot build the function package: the package {name!r} is "
                              f"not installed (pip install {name})")
        directory = Path(next(iter(spec.submodule_search_locations)))
        for path in directory.rglob("*"):
            relative = path.relative_to(directory.parent)
            if path.is_file() and "__pycache__" not in relative.parts:
                found[PurePosixPath(*relative.parts).as_posix()] = path
    return found


def build_package(root: Path | None = None) -> Package:
    """Zip the function's sources under `root` (default: this installation) and the vendored
    packages reproducibly."""
    root = source_root() if root is None else root
    sources = {name: root / name for name in package_files(root)}
    files = {**vendored_files(), **sources}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
            info.external_attr = FILE_MODE << 16
            info.create_system = 3  # Unix, so the mode above is honoured everywhere
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, files[name].read_bytes(), compresslevel=9)
    data = buffer.getvalue()
    return Package(data=data, sha256=hashlib.sha256(data).hexdigest(),
                   files=tuple(sorted(files)))


def own_size(package: Package) -> int:
    """Compressed bytes of the package's own code (everything but the vendored packages)."""
    with zipfile.ZipFile(io.BytesIO(package.data)) as archive:
        return sum(i.compress_size for i in archive.infolist()
                   if i.filename.split("/")[0] not in VENDORED)
