"""How much work reading one document may take, and the meter that stops it there.

Reading a report's text runs in a background task, outside any transaction, but a worker
must still never read for minutes: a 160 KB PDF of 1,000 pages that all show one content
stream once took 6.5 minutes. A :class:`Budget` bounds the time, the pages, the bytes of
page content (or of a Word document's XML), the drawing operations of a PDF (or the elements
of a Word document) and how deeply they nest; a :class:`Meter` counts the work as it is done
and raises :class:`TextUnreadable` with the reason as soon as one bound is passed.
"""

from __future__ import annotations

from dataclasses import dataclass

from openepa.kernel import clock

FIX = "Upload a PDF saved from a word processor, a .docx or a .txt file."
TOO_LONG_FIX = (
    "Upload the report alone, without its annexes, as a PDF saved from a word processor, "
    "a .docx or a .txt file."
)


class TextUnreadable(ValueError):  # noqa: N818 (a refusal with a message for the user)
    """A document whose text cannot be read; the message says why and how to fix it."""


def unreadable(problem: str, fix: str = FIX) -> TextUnreadable:
    """The refusal of a report whose text cannot be read: what is wrong, then what to do."""
    return TextUnreadable(f"The report could not be read: {problem}. {fix}")


def too_long(detail: str) -> TextUnreadable:
    """The refusal of a report that would take more work to read than the budget allows."""
    return unreadable(f"it is too long to count ({detail})", TOO_LONG_FIX)


@dataclass(frozen=True)
class Budget:
    """The most work reading one document may take.

    ``operators`` counts a PDF's drawing operations, or a Word document's XML elements;
    ``depth`` bounds how deeply they nest (saved graphics states and forms inside forms, or
    elements inside elements).
    """

    seconds: float = 60.0
    pages: int = 1000
    content_bytes: int = 20 * 1024 * 1024
    operators: int = 2_000_000
    depth: int = 256


DEFAULT_BUDGET = Budget()


class Meter:
    """The work done reading one document, stopped with a reason when it passes the budget."""

    def __init__(self, budget: Budget, *, what: str, unit: str, fix: str) -> None:
        self.budget = budget
        self.what = what
        self.unit = unit
        self.fix = fix
        self.started = clock.monotonic()
        self.content_bytes = 0
        self.operations = 0
        self.depth = 0
        self.stopped: TextUnreadable | None = None

    def stop(self, error: TextUnreadable) -> None:
        """Remember why reading stopped and raise it."""
        self.stopped = error
        raise error

    def raise_if_stopped(self) -> None:
        """Raise again the reason reading stopped (a library may have swallowed it)."""
        if self.stopped is not None:
            raise self.stopped

    def check_time(self) -> None:
        """Stop once reading has taken longer than the budget's seconds."""
        if clock.monotonic() - self.started > self.budget.seconds:
            self.stop(too_long(f"reading it took longer than {self.budget.seconds:g} seconds"))

    def spend_bytes(self, count: int) -> None:
        """Count ``count`` more bytes of content; stop past the budget."""
        self.content_bytes += count
        if self.content_bytes > self.budget.content_bytes:
            megabytes = self.budget.content_bytes / (1024 * 1024)
            self.stop(too_long(f"more than {megabytes:g} MB of page content"))

    def operation(self) -> None:
        """Count one more operation (or element); stop past the budget or the time."""
        self.operations += 1
        if self.operations > self.budget.operators:
            self.stop(too_long(f"more than {self.budget.operators:,} {self.unit}"))
        self.check_time()

    def enter(self) -> None:
        """One level deeper; stop past the budget's depth."""
        self.depth += 1
        if self.depth > self.budget.depth:
            self.stop(
                unreadable(
                    f"{self.what} is nested more than {self.budget.depth:,} levels deep", self.fix
                )
            )

    def leave(self) -> None:
        """One level back up."""
        self.depth = max(0, self.depth - 1)
