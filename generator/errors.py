"""The one error type for bad content, and the exceptions that end a build."""

from __future__ import annotations


class ContentError(Exception):
    """A problem in the content, located at `path:line`."""

    def __init__(self, path: str, line: int, message: str, category: str = "") -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = path
        self.line = line
        self.message = message
        self.category = category   # groups warnings of one kind, e.g. "no-profile"

    def __reduce__(self):
        """Pickled with its fields, so that problems found in a worker process come back whole."""
        return (ContentError, (self.path, self.line, self.message, self.category))

    def sort_key(self) -> tuple[str, int, str]:
        """Order problems by file, then line, then text."""
        return (self.path, self.line, self.message)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class BuildFailed(Exception):
    """The content has errors; the build stopped before writing anything."""

    def __init__(self, errors: list[ContentError], warnings: list[ContentError] = ()) -> None:
        super().__init__(f"{len(errors)} error(s)")
        self.errors = sorted(errors, key=ContentError.sort_key)
        self.warnings = list(warnings)


class UsageError(Exception):
    """The command line or the folders given to it are wrong (exit status 2)."""


class Problems:
    """The errors and warnings one stage gathers; the stage returns it with its value."""

    def __init__(self) -> None:
        self.errors: list[ContentError] = []
        self.warnings: list[ContentError] = []

    def error(self, path: str, line: int, message: str) -> None:
        """Record an error: the build will fail."""
        self.errors.append(ContentError(path, line, message))

    def warn(self, path: str, line: int, message: str, category: str = "") -> None:
        """Record a warning: printed, but the build goes on."""
        self.warnings.append(ContentError(path, line, message, category))

    def extend(self, other: Problems) -> None:
        """Take over another stage's problems."""
        self.errors.extend(other.errors)
        self.warnings.extend(other.warnings)
