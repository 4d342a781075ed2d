"""The exit codes of every ``verbind`` command, in one place (README: "Command line")."""

from __future__ import annotations

__all__ = [
    "EXIT_MISSING",
    "EXIT_OK",
    "EXIT_PROBLEM",
    "EXIT_SETTINGS",
    "EXIT_UNAVAILABLE",
    "EXIT_USAGE",
]

EXIT_OK = 0
EXIT_PROBLEM = 1
"""Content with problems (``check``), failing content tests, a broken register chain, or a
report that skipped rows or read a register whose chain does not verify."""
EXIT_USAGE = 2
"""Wrong arguments (an unknown command, tree, date or option value), or a setting in the
environment that cannot be read."""
EXIT_SETTINGS = 3
"""Settings that do not fit: an intakes file with mistakes, serve on a network address
without an app id, a bad environment value."""
EXIT_UNAVAILABLE = 4
"""The database is unreachable, or the port to serve on is taken."""
EXIT_MISSING = 5
"""The register to read does not exist (nothing is created)."""
