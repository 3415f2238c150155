"""Atomic file writes, the one implementation in the package (reports, figures, deep caches).

A file is written to a temporary file beside its target, flushed and fsynced, then
renamed over the target (``os.replace``, atomic within one folder on POSIX), so a
reader sees the old file or the new one, never half of one. New files get the mode an
ordinary ``open`` gives (``0o666 & ~umask``, e.g. 0644), not ``mkstemp``'s 0600.

Temporary files are named ``.tmp-<pid>-<token>.<target name>.tmp`` (ending in ``.tmp``
so that no ``*.json`` or ``*.png`` pattern picks up a half-written file). One that a killed
process left behind is removed by the next writer of its folder: a temporary file is
stale when the process named in it no longer runs (or, for a name without a pid, when
it was last written before this process started), unless a pending journal still
needs it (below).

Several files that must change together (the report set claims.json, claims.md,
report.tex, html/index.html) are written with :func:`write_file_set`: every file first goes to an
fsynced temporary file, then a small journal (:data:`JOURNAL_NAME`, itself written
atomically) lists the renames, then the renames run, then the journal is deleted. A
process killed in between leaves the journal; :func:`finish_pending` (run by the next
writer, and by readers that want a consistent set) completes the renames it lists.
Callers serialise writers of one folder with a lock (see
:func:`maml_landscape.report.write.ledger_lock`). POSIX (Linux) semantics are assumed.
"""

from __future__ import annotations

import errno
import json
import os
import re
import secrets
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import IO, Any

#: Every temporary file this module creates starts with this prefix.
TMP_PREFIX = ".tmp-"
#: The journal of a file set whose renames are not all done yet.
JOURNAL_NAME = ".report-set-pending.json"
#: When this process started (as far as this module can tell: its import).
PROCESS_START = time.time()

_TMP_NAME = re.compile(r"\.tmp-(?P<pid>\d+)-[0-9a-f]{8}\..+\.tmp", re.DOTALL)
_NAME_ROOM = 200  # keeps ".tmp-<pid>-<token>." + name + ".tmp" under the usual 255-byte limit


def _create_temp(path: Path, folder: Path) -> Path:
    """A new empty temporary file for ``path`` in ``folder``, mode ``0o666 & ~umask``."""
    name = path.name[-_NAME_ROOM:]
    while True:
        tmp = folder / f"{TMP_PREFIX}{os.getpid()}-{secrets.token_hex(4)}.{name}.tmp"
        try:
            handle = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
        except FileExistsError:
            continue
        os.close(handle)
        return tmp


def _fsync_file(path: Path) -> None:
    handle = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def fsync_dir(folder: Path) -> None:
    """Make renames and deletions in ``folder`` durable (best effort: not every file system can)."""
    try:
        handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def prepare(path: Path, write: Callable[[Path], None], folder: Path | None = None) -> Path:
    """``write(tmp)`` on a new temporary file for ``path``, fsynced; return ``tmp`` (not renamed).

    The temporary file lies in ``folder`` (default: beside ``path``; on the same file
    system, so the rename stays atomic). It is removed when ``write`` fails (or the process
    is interrupted). Stale temporary files of earlier, killed runs there are removed first.
    """
    path = Path(path)
    folder = path.parent if folder is None else Path(folder)
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temps(folder)
    tmp = _create_temp(path, folder)
    try:
        write(tmp)
        _fsync_file(tmp)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def write_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp)`` on a temporary file beside ``path``, then rename it over ``path``.

    Readers see either the old or the new file; a failed ``write`` leaves the old one
    and no temporary file.
    """
    path = Path(path)
    tmp = prepare(path, write)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def write_text_atomically(path: Path, text: str) -> None:
    write_atomically(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def write_bytes_atomically(path: Path, payload: Callable[[IO[bytes]], Any]) -> None:
    """Write ``path`` through ``payload(binary_file)`` atomically (e.g. ``np.save``, ``torch.save``)."""

    def write(tmp: Path) -> None:
        with open(tmp, "wb") as file:
            payload(file)

    write_atomically(path, write)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # exists (another user's), or not a pid we can judge: keep its files
    return True


def _is_stale(entry: os.DirEntry) -> bool:
    match = _TMP_NAME.fullmatch(entry.name)
    if match:
        pid = int(match["pid"])
        return pid != os.getpid() and not _alive(pid)
    try:  # an older naming without a pid: stale when last written before this process started
        return entry.stat(follow_symlinks=False).st_mtime < PROCESS_START
    except OSError:
        return False


def _read_journal(folder: Path) -> list[tuple[str, str]] | None:
    """The renames of the pending journal in ``folder``; None when there is none.

    Raises ValueError for a journal that is not one this module wrote.
    """
    try:
        text = (Path(folder) / JOURNAL_NAME).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except UnicodeDecodeError:
        raise ValueError("the journal is not UTF-8 text") from None
    try:
        journal = json.loads(text)
    except (ValueError, RecursionError):
        raise ValueError("the journal is not valid JSON") from None
    renames = journal.get("renames") if isinstance(journal, dict) else None
    if not isinstance(renames, list):
        raise ValueError("the journal lists no renames")
    pairs = []
    for pair in renames:
        ok = isinstance(pair, list) and len(pair) == 2 and all(isinstance(p, str) for p in pair)
        if ok:
            tmp, target = pair
            parts = target.split("/")
            ok = (  # a temporary file in the folder itself; a target in it or below it
                tmp.startswith(TMP_PREFIX) and "/" not in tmp and "\0" not in tmp
                and not parts[-1].startswith(TMP_PREFIX)
                and all(p not in ("", ".", "..") and "\0" not in p for p in parts)
            )
        if not ok:
            raise ValueError(f"the journal lists a rename that it cannot have written: {pair!r:.80}")
        pairs.append((tmp, target))
    return pairs


def pending_temps(folder: Path) -> set[str] | None:
    """Names of the temporary files a pending journal in ``folder`` still needs (None: unreadable)."""
    try:
        renames = _read_journal(folder)
    except (OSError, ValueError):
        return None
    return {tmp for tmp, _ in renames or []}


def remove_stale_temps(folder: Path) -> list[Path]:
    """Remove temporary files that killed writers left in ``folder``; return the removed paths.

    Only names with :data:`TMP_PREFIX` are touched, never one a pending journal lists,
    never one whose writer still runs. Errors (a read-only folder) are ignored.
    """
    folder = Path(folder)
    keep = pending_temps(folder)
    if keep is None:  # a journal we cannot read: leave everything for whoever repairs it
        return []
    removed = []
    try:
        entries = list(os.scandir(folder))
    except (OSError, ValueError):  # no folder, or a name the file system cannot hold
        return []
    for entry in entries:
        if not entry.name.startswith(TMP_PREFIX) or entry.name in keep:
            continue
        try:
            if not entry.is_file(follow_symlinks=False) or not _is_stale(entry):
                continue
            os.unlink(entry.path)
        except OSError:
            continue
        removed.append(Path(entry.path))
    return removed


def finish_pending(folder: Path) -> bool:
    """Complete the renames of a pending journal in ``folder`` (roll forward); True if there was one.

    A listed temporary file that no longer exists was already renamed. The caller holds
    the folder's lock. Raises ValueError for a journal this module did not write and
    OSError when a rename is impossible.
    """
    folder = Path(folder)
    renames = _read_journal(folder)
    if renames is None:
        return False
    for tmp, target in renames:
        if os.path.lexists(folder / tmp):
            os.replace(folder / tmp, folder / target)
    for parent in {(folder / target).parent for _, target in renames}:
        fsync_dir(parent)
    os.unlink(folder / JOURNAL_NAME)
    fsync_dir(folder)
    return True


def write_file_set(folder: Path, files: Mapping[str, Callable[[Path], None]]) -> list[Path]:
    """Replace the files ``files`` (path relative to ``folder`` -> ``write(tmp)``) all together.

    A file may lie in a subfolder (``html/index.html``); its temporary file lies in
    ``folder`` itself, where the journal protects it. After a crash at any point,
    :func:`finish_pending` leaves either all old files or all new ones. The caller holds
    the folder's lock (one writer at a time).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    finish_pending(folder)
    for name in files:
        if (folder / name).is_dir():
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(folder / name))
    temps: dict[str, Path] = {}
    try:
        for name, write in files.items():
            temps[name] = prepare(folder / name, write, folder)
        journal = {"renames": [[tmp.name, name] for name, tmp in temps.items()]}
        write_text_atomically(folder / JOURNAL_NAME, json.dumps(journal, indent=1) + "\n")
    except BaseException:
        for tmp in temps.values():
            tmp.unlink(missing_ok=True)
        raise
    finish_pending(folder)
    return [folder / name for name in files]
