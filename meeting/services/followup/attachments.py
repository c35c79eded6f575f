"""Files sent with a unit's reply: photos (JPEG, PNG) and PDF, checked by their first bytes.

`check_uploads` is pure (nothing is written): at most MAX_FILES files of at most MAX_BYTES each,
of a known type by magic bytes — the name and the browser's content type are not trusted.
`write_files` puts accepted files under the instance folder, named by their SHA-256, so the
same bytes are stored once and a file's name says what it must hash to.
"""
from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from meeting.errors import UserError

MAX_FILES = 5
MAX_BYTES = 5 * 1024 * 1024
MAX_NAME = 100
# (content type, magic bytes at offset 0, stored extension)
TYPES: tuple[tuple[str, bytes, str], ...] = (
    ("image/jpeg", b"\xff\xd8\xff", ".jpg"),
    ("image/png", b"\x89PNG\r\n\x1a\n", ".png"),
    ("application/pdf", b"%PDF-", ".pdf"),
)
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\]")


@dataclass(frozen=True)
class Upload:
    """One accepted file: what the unit called it, its bytes, the type its bytes say, its SHA-256."""

    filename: str
    data: bytes
    content_type: str
    sha256: str

    @property
    def stored_name(self) -> str:
        """The file's name on disk: its SHA-256 and the extension of its type."""
        return self.sha256 + next(ext for ctype, _, ext in TYPES if ctype == self.content_type)

    def describe(self) -> dict[str, object]:
        """What the reply's case event records of the file (the checksum is in the hash chain)."""
        return {"name": self.filename, "type": self.content_type, "size": len(self.data), "sha256": self.sha256}


def sniff(data: bytes) -> str | None:
    """The content type the first bytes say (JPEG, PNG or PDF), or None."""
    for ctype, magic, _ in TYPES:
        if data.startswith(magic):
            return ctype
    return None


def clean_filename(name: object) -> str:
    """The last part of an uploaded name, without control characters or slashes, at most MAX_NAME long."""
    text = str(name or "")
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    text = _UNSAFE.sub("", text).strip() or "file"
    return text[-MAX_NAME:]


def check_uploads(files: Sequence[tuple[str, bytes]]) -> list[Upload]:
    """Accept all the files or none: UserError case_files_too_many, case_file_empty, case_file_too_large,
    case_file_type (the file's bytes are not a JPEG, PNG or PDF, whatever its name says)."""
    files = [(name, data) for name, data in files if name or data]
    if len(files) > MAX_FILES:
        raise UserError("case_files_too_many", n=MAX_FILES)
    accepted = []
    for name, data in files:
        filename = clean_filename(name)
        if not data:
            raise UserError("case_file_empty", name=filename)
        if len(data) > MAX_BYTES:
            raise UserError("case_file_too_large", name=filename, mb=MAX_BYTES // (1024 * 1024))
        ctype = sniff(data)
        if ctype is None:
            raise UserError("case_file_type", name=filename)
        accepted.append(Upload(filename, data, ctype, hashlib.sha256(data).hexdigest()))
    return accepted


def case_folder(root: Path, case_id: int) -> Path:
    """Where one case's files are kept (under the instance folder's case_files/)."""
    return Path(root) / str(int(case_id))


def write_files(folder: Path, uploads: Iterable[Upload]) -> list[Path]:
    """Write the files (a temporary name, then an atomic rename); returns the paths newly created."""
    folder.mkdir(parents=True, exist_ok=True)
    created: list[Path] = []
    try:
        for upload in uploads:
            path = folder / upload.stored_name
            if path.exists():
                continue  # the same bytes are already there (the name is their hash)
            tmp = folder / f".{upload.stored_name}.tmp"
            with open(tmp, "wb") as out:
                out.write(upload.data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, path)
            created.append(path)
    except BaseException:
        remove_files(created)
        raise
    return created


def remove_files(paths: Iterable[Path]) -> None:
    """Remove files written for a reply that was then refused (best effort)."""
    for path in paths:
        try:
            path.unlink()
        except FileNotFoundError:
            pass


def stored_path(root: Path, case_id: int, stored_name: str) -> Path:
    """The path of a stored file; ValueError for a name that is not one this module writes."""
    if not re.fullmatch(r"[0-9a-f]{64}\.(jpg|png|pdf)", stored_name):
        raise ValueError("not a stored file name")
    return case_folder(root, case_id) / stored_name
