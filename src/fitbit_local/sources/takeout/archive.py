"""The files of an export: one or several .zip files and/or unpacked folders, read member by member.

Nothing is extracted or read until a parser asks for one member's bytes, so a multi-gigabyte archive never sits in
memory and the skipped members (the machine-learning bulk) are never even decompressed.
"""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path, PurePosixPath


@dataclass(frozen=True)
class Entry:
    """One file of the export: where it lives (`container`: a zip's path, or None for a loose file) and its path
    (inside the zip, or on disk), with its uncompressed size."""

    container: str | None
    path: str
    size: int

    @property
    def parts(self) -> tuple[str, ...]:
        return PurePosixPath(self.path.replace("\\", "/")).parts

    @property
    def name(self) -> str:
        return self.parts[-1]

    @property
    def parent(self) -> str:
        return self.parts[-2] if len(self.parts) > 1 else ""


class Archive:
    """The union of the given paths (each a .zip or a folder); use as a context manager (it keeps zips open)."""

    def __init__(self, paths: Sequence[str | Path]) -> None:
        self._paths = [Path(p) for p in paths]
        self._stack = ExitStack()
        self._zips: dict[str, zipfile.ZipFile] = {}
        self.entries: list[Entry] = []

    def __enter__(self) -> Archive:
        for path in self._paths:
            if path.is_dir():
                self.entries.extend(
                    Entry(None, str(p), p.stat().st_size) for p in sorted(path.rglob("*")) if p.is_file()
                )
            elif zipfile.is_zipfile(path):
                archive = self._stack.enter_context(zipfile.ZipFile(path))
                self._zips[str(path)] = archive
                self.entries.extend(
                    Entry(str(path), info.filename, info.file_size)
                    for info in archive.infolist()
                    if not info.is_dir()
                )
            elif path.exists():
                raise ValueError(f"{path} is neither a folder nor a .zip file")
            else:
                raise ValueError(f"{path} does not exist")
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    def read(self, entry: Entry) -> bytes:
        if entry.container is None:
            return Path(entry.path).read_bytes()
        return self._zips[entry.container].read(entry.path)

    def lines(self, entry: Entry) -> Iterator[str]:
        """The text lines of a (CSV) member, decoded as UTF-8 with a byte-order mark dropped."""
        yield from self.read(entry).decode("utf-8-sig").splitlines()


def fingerprint(entries: Sequence[Entry], relative: dict[Entry, str]) -> str:
    """What identifies an export for resuming: its classified members' relative paths and sizes (a fresh Takeout
    of the same data rewrites every mtime, so times are not part of it)."""
    digest = hashlib.sha256()
    for line in sorted(f"{relative[e]}\t{e.size}" for e in entries):
        digest.update(line.encode() + b"\n")
    return digest.hexdigest()
