"""The files a command reads and writes, named on its command line, handled one way everywhere.

Reading (`validate`, `upload`, `diff`): `-` is standard input, named `<stdin>` in messages; any
file that cannot be read (missing, a directory, no permission, an I/O error) is one `SourceError`
naming the file and the reason, exit 1.

Writing (`export --file`): the document goes into what the path names. `-`, `/dev/stdout` and
`/dev/fd/1` are standard output (appending where the shell's redirection says); a FIFO or a device
is opened and written as it is; a regular file, reached through any symlinks (the link is kept),
is replaced atomically through a temporary file and a rename, keeping its permission bits (a
private 0600 file stays private). A new file gets the usual 0666 minus the umask.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import sys
from pathlib import Path

from festival_cli.core.errors import FestivalError, SourceError, UsageError

STDIN = "-"
STDIN_NAME = "<stdin>"

# Paths that name a file descriptor of this process rather than a file.
_DESCRIPTOR = re.compile(r"^/(?:dev/fd|proc/self/fd)/(\d+)$")
_STANDARD = {"/dev/stdin": 0, "/dev/stdout": 1, "/dev/stderr": 2}


def read_inputs(paths: list[Path]) -> list[tuple[str, bytes]]:
    """(name, bytes) of each file; `-` (at most once: standard input can be read only once)."""
    if sum(str(p) == STDIN for p in paths) > 1:
        raise UsageError("- (standard input) can be given only once")
    return [read_input(p) for p in paths]


def read_input(path: Path | str) -> tuple[str, bytes]:
    """(the name to show, the bytes) of one lineup file, `-` meaning standard input."""
    from festival_cli.core.lineup_source import read_limited, read_source

    if str(path) == STDIN:
        try:
            return STDIN_NAME, read_limited(sys.stdin.buffer, STDIN_NAME)
        except (OSError, AttributeError, ValueError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "closed"
            raise SourceError(f"{STDIN_NAME}: cannot be read ({reason})") from None
    return str(path), read_source(path)


def descriptor(path: Path | str) -> int | None:
    """The descriptor a path such as `/dev/stdout` or `/dev/fd/3` names, else None."""
    text = str(path)
    if text == STDIN:
        return 1
    if text in _STANDARD:
        return _STANDARD[text]
    match = _DESCRIPTOR.match(text)
    return int(match.group(1)) if match else None


def is_stdout(path: Path | str | None) -> bool:
    """Does the document go to standard output (no path, `-`, `/dev/stdout`, `/dev/fd/1`)?"""
    return path is None or descriptor(path) == 1


def write_document(path: Path, data: bytes) -> None:
    """Write `data` into what `path` names (see the module's docstring); FestivalError if not."""
    fd = descriptor(path)
    if fd is not None:
        _write_descriptor(path, fd, data)
        return
    try:
        found = os.stat(path)  # through symlinks: what the path names
    except FileNotFoundError:
        found = None
    except OSError as exc:
        raise FestivalError(f"{path}: cannot write ({exc.strerror})") from None
    if found is not None and stat.S_ISDIR(found.st_mode):
        raise FestivalError(f"{path}: is a directory; give a file name")
    if found is not None and not stat.S_ISREG(found.st_mode):
        _write_in_place(path, data)  # a FIFO, a device: written as it is, never replaced
        return
    # The file a symlink (chain) leads to, so the link stays a link.
    target = Path(os.path.realpath(path))
    _replace(target, data, None if found is None else stat.S_IMODE(found.st_mode), shown=path)


def _write_descriptor(path: Path, fd: int, data: bytes) -> None:
    if fd in (1, 2):
        stream = sys.stdout if fd == 1 else sys.stderr
        stream.flush()
        stream.write(data.decode())  # the stream's own encoding and pipe handling
        stream.flush()
        return
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    except OSError as exc:
        raise FestivalError(f"{path}: cannot write ({exc.strerror})") from None


def _write_in_place(path: Path, data: bytes) -> None:
    try:
        with open(path, "wb") as handle:
            handle.write(data)
    except OSError as exc:
        raise FestivalError(f"{path}: cannot write ({exc.strerror})") from None


def _replace(target: Path, data: bytes, mode: int | None, *, shown: Path) -> None:
    """All of `data` in `target`, or nothing: a temporary file beside it, then a rename."""
    import tempfile  # here, for `export --file` alone: ~1.5 ms of every start otherwise

    try:
        fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.",
                                         suffix=".tmp")
    except PermissionError:
        if mode is not None and os.access(target, os.W_OK):
            # A writable file in a directory we may not create files in: write it in place.
            _write_in_place(shown, data)
            return
        raise FestivalError(f"{shown}: cannot write (permission denied)") from None
    except OSError as exc:
        raise FestivalError(f"{shown}: cannot write ({exc.strerror})") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp makes the file private (0600): give it the replaced file's mode, or the mode
        # a new file normally gets.
        os.chmod(temporary, mode if mode is not None else 0o666 & ~_umask())
        os.replace(temporary, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise FestivalError(f"{shown}: cannot write ({exc.strerror})") from None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
