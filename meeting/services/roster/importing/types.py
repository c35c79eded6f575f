"""The public value types of the roster import: errors per row, the result, the refusal."""
from __future__ import annotations

from dataclasses import dataclass, field

from meeting.errors import UserError


@dataclass(frozen=True)
class RowError:
    """One problem in the file, where the user can find it in Excel.

    `sheet` is the kind name ("villages" | "cadres" | "households" | "demands"), or, when the
    kind could not be told, the sheet title or "" for a whole file; `row` is 1-based with the
    header on row 1 (file-level problems use the header row); `column` is the header as
    written in the file, "" when the problem concerns the whole row or file.
    """

    sheet: str
    row: int
    column: str
    reason: str


@dataclass
class ImportResult:
    """What a successful import did: kinds processed (dependency order) and counts per table.

    `created`/`updated` have one key per kind processed, plus "townships" and "work_areas"
    when a villages list was imported. `updated` counts file rows that matched an existing
    record (rows already identical are matched but not rewritten).
    """

    kinds: list[str]
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)


class ImportRefused(UserError):
    """The file has errors; nothing was written. `errors` names every bad row."""

    code = "import_refused"
    status = 400

    def __init__(self, errors: list[RowError]) -> None:
        rows = len({(e.sheet, e.row) for e in errors})
        super().__init__(num=rows)
        self.errors = errors


class FileProblem(Exception):
    """Internal: a reader could not make sense of a file (becomes a RowError)."""

    def __init__(self, reason: str, sheet: str = "", row: int = 1) -> None:
        super().__init__(reason)
        self.reason = reason
        self.sheet = sheet
        self.row = row


class ImportCancelled(Exception):
    """Internal: the person who started an import job cancelled it; the transaction is rolled back."""


class ImportProgress:
    """What import_files reports to while it reads (jobs.JobProgress writes it to the job row).

    This base reports nothing; it is the interface import_files calls.
    """

    def table(self, raw: "object") -> "object":
        """Wrap one table read from a file (to count its rows as they stream); may raise."""
        return raw

    def watch(self, errors: "object") -> None:
        """The error list of this import (to count the errors found)."""

    def writing(self) -> None:
        """Every row is valid: the write begins (it can no longer be cancelled)."""
