"""Check and store files uploaded through the app under ``<data_dir>/uploads/`` with safe names.

Every file is validated before it is kept: allowed type, size limit, readable as an article (the
same loaders the ingest uses). Rejected files never reach the uploads folder; each one gets a
reason a user can act on.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from rag.errors import LoaderError, UploadError
from rag.index.limits import too_big
from rag.index.loaders import SUPPORTED, load_file
from rag.text.terms import ascii_fold

# Every type the loaders read, except the long ".markdown" spelling: the upload form and the
# API never offered it, and the list is shown to users as is (".md" covers markdown).
ALLOWED_TYPES = tuple(t for t in SUPPORTED if t != ".markdown")
UPLOADS_DIRNAME = "uploads"
_STAGING = ".staging"  # hidden, so an ingest of the uploads folder never reads half-checked files
_MAX_NAME_CHARS = 100
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
OnConflict = Literal["replace", "rename"]
ON_CONFLICT: tuple[OnConflict, ...] = ("replace", "rename")


@dataclass
class UploadResult:
    """Outcome of one upload batch: stored files and rejected ones with their reasons."""

    stored: list[tuple[str, Path]] = field(default_factory=list)  # (name as given, stored path)
    unchanged: list[tuple[str, Path]] = field(default_factory=list)  # same bytes already stored
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (name as given, reason)
    replaced: list[Path] = field(default_factory=list)  # stored paths that held an older version
    backups: dict[Path, Path | None] = field(default_factory=dict, repr=False)  # path -> old

    def commit(self) -> None:
        """The new files are indexed: drop the old versions kept for `rollback`."""
        for backup in self.backups.values():
            if backup is not None:
                backup.unlink(missing_ok=True)
        self.backups = {}

    def rollback(self) -> None:
        """Put the uploads folder back as it was: new files removed, old versions restored."""
        for target, backup in self.backups.items():
            if backup is None:
                target.unlink(missing_ok=True)
            else:
                os.replace(backup, target)
        self.backups = {}


def safe_name(name: str) -> str:
    """A file name safe to create inside the uploads folder.

    Args:
        name: the name the client sent.

    Returns:
        ASCII letters, digits, ``._-`` only, no leading dot, at most 100 characters, same suffix.

    Raises:
        UploadError: the name contains a path (``/``, ``\\`` or ``..``), is empty, or has a type
            the app does not accept.
    """
    if not name or not name.strip():
        raise UploadError("the file has no name")
    # A name that carries directories is a path-traversal attempt or a client bug: refuse it
    # rather than guess which part was meant.
    if "/" in name or "\\" in name or name.strip() in (".", "..") or "\x00" in name:
        raise UploadError(f"file name {name!r} contains a path; send a plain file name")
    suffix = Path(name).suffix.lower()
    if suffix not in ALLOWED_TYPES:
        kind = f"'{suffix}'" if suffix else "without an extension"
        raise UploadError(f"unsupported file type {kind} (allowed: {', '.join(ALLOWED_TYPES)})")
    stem = ascii_fold(name[: -len(suffix)])
    stem = _UNSAFE.sub("_", stem).strip("._-") or "upload"
    return stem[: _MAX_NAME_CHARS - len(suffix)] + suffix


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _target(folder: Path, name: str, digest: str) -> tuple[Path, bool]:
    """Where to store a file: its name, or ``name-2`` etc. when another file holds the name.

    Returns:
        The path and whether an identical file is already there.
    """
    stem, suffix = Path(name).stem, Path(name).suffix
    for n in range(1, 1000):
        candidate = folder / (name if n == 1 else f"{stem}-{n}{suffix}")
        if not candidate.exists():
            return candidate, False
        if candidate.is_file() and _digest(candidate) == digest:
            return candidate, True
    raise UploadError(f"too many uploads named {name!r}; rename the file")


def check_file(name: str, path: Path, max_bytes: int) -> str:
    """Validate one uploaded file without storing it.

    Args:
        name: the file name the client sent.
        path: where the upload's bytes are now; its suffix must match ``name``'s.
        max_bytes: size limit.

    Returns:
        The safe name to store it under.

    Raises:
        UploadError: the file is rejected; the message is the reason.
    """
    safe = safe_name(name)
    try:
        size = path.stat().st_size
    except OSError:
        raise UploadError("the upload could not be read (it may have expired; try again)") from None
    if size > max_bytes:
        raise UploadError(too_big(size, max_bytes))
    if size == 0:
        raise UploadError("empty file")
    if path.suffix.lower() != Path(safe).suffix:
        raise UploadError("internal: the checked copy must carry the file's suffix")
    try:
        # The loaders parse it exactly as the ingest will, so what passes here will index.
        loaded = load_file(path, "check", max_bytes)
    except LoaderError as exc:
        raise UploadError(str(exc)) from None
    if not loaded.articles:
        reasons = "; ".join(r for _, r in loaded.failed[:3]) or "no article text found"
        raise UploadError(reasons)
    return safe


@dataclass
class Staged:
    """An upload that passed the checks, waiting in the staging folder to be placed."""

    name: str  # as the client sent it
    safe: str  # the name to store it under
    path: Path  # the checked copy in staging
    digest: str


def stage_uploads(
    files: list[tuple[str, Path]], data_dir: Path, max_bytes: int
) -> tuple[list[Staged], list[tuple[str, str]]]:
    """Copy and check uploads in the staging folder; nothing reaches ``uploads/`` yet.

    Args:
        files: ``(name as sent by the client, path of its bytes)`` pairs.
        data_dir: the assistant's data directory.
        max_bytes: per-file size limit.

    Returns:
        The files that passed, and ``(name, reason)`` for each rejected one.
    """
    staging = (data_dir / UPLOADS_DIRNAME).resolve() / _STAGING
    staging.mkdir(parents=True, exist_ok=True)
    staged: list[Staged] = []
    rejected: list[tuple[str, str]] = []
    for name, source in files:
        tmp: Path | None = None
        try:
            safe = safe_name(name)
            # Check a private copy carrying the right suffix: the loaders pick the parser by
            # suffix, and the client's file may change or vanish while we work.
            fd, tmp_name = tempfile.mkstemp(dir=staging, suffix=Path(safe).suffix)
            os.close(fd)
            tmp = Path(tmp_name)
            _copy_limited(source, tmp, max_bytes)
            check_file(name, tmp, max_bytes)
            staged.append(Staged(name, safe, tmp, _digest(tmp)))
            tmp = None
        except UploadError as exc:
            rejected.append((name, str(exc)))
        finally:
            if tmp is not None:
                tmp.unlink(missing_ok=True)
    return staged, rejected


def discard(staged: list[Staged]) -> None:
    """Delete staged copies that will not be placed (the batch was refused)."""
    for item in staged:
        item.path.unlink(missing_ok=True)


def place_uploads(staged: list[Staged], data_dir: Path, on_conflict: OnConflict) -> UploadResult:
    """Move checked uploads into ``uploads/``; call it holding the ingest lock.

    Under the lock, choosing a name and moving the file into place cannot interleave with
    another upload of the same name, so no upload overwrites another unnoticed.

    Args:
        staged: files from `stage_uploads`.
        data_dir: the assistant's data directory.
        on_conflict: ``"replace"``: a file of the same name is a new version and replaces the
            old one; ``"rename"``: keep both, the new one as ``name-2.ext`` etc.

    Returns:
        What was stored, replaced or already there; `UploadResult.rollback` undoes it.
    """
    if on_conflict not in ON_CONFLICT:
        raise UploadError(
            f"on_conflict must be one of {', '.join(ON_CONFLICT)}, not {on_conflict!r}"
        )
    folder = (data_dir / UPLOADS_DIRNAME).resolve()
    staging = folder / _STAGING
    result = UploadResult()
    for item in staged:
        if on_conflict == "rename":
            target, same = _target(folder, item.safe, item.digest)
        else:
            target = folder / item.safe
            same = target.is_file() and _digest(target) == item.digest
        if same:
            item.path.unlink(missing_ok=True)
            result.unchanged.append((item.name, target))
            continue
        if target.resolve().parent != folder:  # defence in depth; safe_name forbids this
            item.path.unlink(missing_ok=True)
            result.rejected.append((item.name, "the file name would leave the uploads folder"))
            continue
        backup = None
        if target.exists():
            # Keep the old version until the new one is indexed, so a failed or cancelled
            # ingest can put it back.
            fd, backup_name = tempfile.mkstemp(dir=staging, suffix=".old")
            os.close(fd)
            backup = Path(backup_name)
            os.replace(target, backup)
            result.replaced.append(target)
        os.replace(item.path, target)
        result.backups[target] = backup
        result.stored.append((item.name, target))
    return result


def store_uploads(
    files: list[tuple[str, Path]],
    data_dir: Path,
    max_bytes: int,
    on_conflict: OnConflict = "rename",
) -> UploadResult:
    """Check uploads and place the good ones in ``uploads/`` without indexing them.

    `Assistant.add_uploads` is the way to add articles: it also holds the ingest lock and
    indexes them. This is the same check and placement for callers that index later.
    """
    staged, rejected = stage_uploads(files, data_dir, max_bytes)
    result = place_uploads(staged, data_dir, on_conflict)
    result.commit()
    result.rejected[:0] = rejected
    return result


def _copy_limited(source: Path, dest: Path, max_bytes: int) -> None:
    """Copy at most ``max_bytes + 1`` bytes: an oversize file is caught without reading it all."""
    try:
        with source.open("rb") as src, dest.open("wb") as dst:
            shutil.copyfileobj(_Limited(src, max_bytes + 1), dst)
    except OSError:
        raise UploadError("the upload could not be read (it may have expired; try again)") from None
    if dest.stat().st_size > max_bytes:
        size = source.stat().st_size if source.exists() else dest.stat().st_size
        raise UploadError(too_big(size, max_bytes))


class _Limited:
    """A read-only file wrapper that stops after ``limit`` bytes."""

    def __init__(self, fh: object, limit: int) -> None:
        self._fh, self._left = fh, limit

    def read(self, n: int = -1) -> bytes:
        if self._left <= 0:
            return b""
        n = self._left if n < 0 else min(n, self._left)
        data: bytes = self._fh.read(n)  # type: ignore[attr-defined]
        self._left -= len(data)
        return data
