"""Files kept on disk outside static/, each under a generated key in the documents folder.

An upload is written in chunks into a staged file in ``<documents>/incoming`` (the same
filesystem as the stored files), hashing and counting as it goes, so memory does not grow
with the file. The order that keeps disk and database in step:

1. write the staged file (``Staging.new_file`` or ``Staging.receive``);
2. check it, add its row and flush;
3. move it into place under its key with ``os.replace`` (``Staging.place``);
4. commit, then ``Staging.keep``.

Leaving the ``Staging`` block (or calling ``discard``) without ``keep`` removes every file
it staged or placed, so a refused, interrupted or rolled-back upload leaves nothing behind:
a placed file whose row never committed is unlinked, and no row names a missing file.
"""

from __future__ import annotations

import hashlib
import io
import os
import secrets
from pathlib import Path
from typing import BinaryIO

from flask import current_app

INCOMING = "incoming"
CHUNK = 1024 * 1024


def documents_root() -> Path:
    return Path(current_app.config["DOCUMENTS_DIR"])


def new_key() -> str:
    """A fresh storage key: 128 random bits in hex, nothing taken from the uploader."""
    return secrets.token_hex(16)


def path_for(key: str) -> Path:
    """Where the file stored under ``key`` lives (two-level fan-out keeps folders small)."""
    if len(key) != 32 or any(char not in "0123456789abcdef" for char in key):
        raise ValueError("not a storage key")
    return documents_root() / key[:2] / key


def incoming_dir() -> Path:
    """Where uploads are written until they are complete and checked."""
    folder = documents_root() / INCOMING
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


class FileTooLarge(Exception):
    """More bytes arrived than a stored file may have."""

    def __init__(self, limit: int):
        self.limit = limit
        super().__init__(f"larger than {limit} bytes")


class StagedFile(io.FileIO):
    """A file being received: counts and hashes what is written, refuses past the limit."""

    def __init__(self, path: Path, max_bytes: int | None = None):
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
        super().__init__(descriptor, "r+", closefd=True)
        self.path = path
        self.max_bytes = max_bytes
        self.size = 0
        self._hash = hashlib.sha256()

    def write(self, data) -> int:
        view = memoryview(data).cast("B")
        if self.tell() != self.size:
            # The hash covers the bytes in order; a write elsewhere would falsify it.
            raise OSError("a staged file is written from start to end only")
        if self.max_bytes is not None and self.size + len(view) > self.max_bytes:
            raise FileTooLarge(self.max_bytes)
        written = 0
        while written < len(view):
            written += super().write(view[written:])
        self._hash.update(view)
        self.size += len(view)
        return len(view)

    @property
    def sha256(self) -> str:
        return self._hash.hexdigest()


class Staging:
    """The files of one upload until they are kept; see the module's docstring for the order."""

    def __init__(self, max_bytes: int | None = None):
        self.max_bytes = max_bytes
        self._staged: list[StagedFile] = []
        self._placed: list[Path] = []

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, *_exc) -> None:
        self.discard()

    def new_file(self) -> StagedFile:
        staged = StagedFile(incoming_dir() / f"{secrets.token_hex(16)}.part", self.max_bytes)
        self._staged.append(staged)
        return staged

    def receive(self, stream: BinaryIO) -> StagedFile:
        """The stream as a staged file, copied in chunks unless it already is one of ours."""
        if isinstance(stream, StagedFile) and stream in self._staged:
            return stream
        staged = self.new_file()
        while chunk := stream.read(CHUNK):
            staged.write(chunk)
        return staged

    def place(self, staged: StagedFile, key: str) -> Path:
        """Move a complete, checked file to where its key says (atomic on one filesystem)."""
        final = path_for(key)
        final.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.fsync(staged.fileno())
        staged.close()
        self._placed.append(final)
        os.replace(staged.path, final)
        self._staged.remove(staged)
        return final

    def keep(self) -> None:
        """The rows naming the placed files are committed: they stay."""
        self._placed.clear()

    def discard(self) -> None:
        """Remove whatever was staged, and whatever was placed but not kept."""
        for staged in self._staged:
            staged.close()
            staged.path.unlink(missing_ok=True)
        self._staged.clear()
        for path in self._placed:
            path.unlink(missing_ok=True)
        self._placed.clear()
