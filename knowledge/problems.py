"""Located content problems: every error an author sees names file, line and node id."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ContentError", "Location", "Problem"]


@dataclass(frozen=True, order=True)
class Location:
    """A place in a content file (line numbers start at 1)."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True, order=True)
class Problem:
    """One content problem, rendered as ``file:line: node-id: message``."""

    location: Location
    node_id: str
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.node_id}: {self.message}"


class ContentError(Exception):
    """Raised when content cannot be loaded; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
