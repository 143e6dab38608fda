"""Progress display of long commands: one line per step with its wall time.

Shown only on a terminal (quiet when output is piped or with ``--quiet``);
``verbose`` adds detail lines (counts, file names). Timings are recorded
whether or not anything is shown, for the manifest.

Examples
--------
>>> progress = Progress()                       # doctest: +SKIP
>>> with progress.step("read events"):          # doctest: +SKIP
...     result = read_events(path)
"""

from __future__ import annotations

import contextlib
import dataclasses
import sys
import time


@dataclasses.dataclass
class StepRecord:
    """What happened in one step: ``status`` is "ok", "skipped" or "failed"."""

    name: str
    seconds: float
    status: str = "ok"
    note: str = ""


class Progress:
    """Step timer and (optional) terminal display.

    Parameters
    ----------
    stream : file-like, optional
        Where lines go (default ``sys.stderr``, so stdout stays clean for data).
    enabled : bool, optional
        Force the display on or off; default: on when ``stream`` is a terminal.
    verbose : bool
        Also print :meth:`detail` lines.
    """

    def __init__(self, stream=None, enabled: bool | None = None, verbose: bool = False):
        self.stream = stream if stream is not None else sys.stderr
        if enabled is None:
            enabled = bool(getattr(self.stream, "isatty", lambda: False)())
        self.enabled = enabled
        self.verbose = verbose and enabled
        self.steps: list[StepRecord] = []

    @classmethod
    def silent(cls) -> Progress:
        """A progress object that records timings and prints nothing."""
        return cls(enabled=False)

    @contextlib.contextmanager
    def step(self, name: str):
        """Time the ``with`` block as step ``name`` and print one line when it ends.

        A :class:`SkipStep` raised inside marks the step "skipped" (with its
        message) and is swallowed; any other exception marks it "failed" and
        propagates.
        """
        self._write(f"… {name}", end="")
        started = time.perf_counter()
        record = StepRecord(name, 0.0)
        try:
            yield record
        except SkipStep as skip:
            record.status, record.note = "skipped", str(skip)
        except BaseException:
            record.status = "failed"
            raise
        finally:
            record.seconds = time.perf_counter() - started
            self.steps.append(record)
            self._finish(record)

    def detail(self, message: str) -> None:
        """A detail line, shown only when verbose."""
        if self.verbose:
            self._write(f"    {message}")

    def show(self, record: StepRecord) -> None:
        """Print the line of a step timed elsewhere (e.g. in a worker process)."""
        self._finish(record)

    def total_seconds(self) -> float:
        """Sum of the recorded steps' wall times."""
        return sum(step.seconds for step in self.steps)

    def _finish(self, record: StepRecord) -> None:
        mark = {"ok": "✓", "skipped": "–", "failed": "✗"}[record.status]
        note = f"  ({record.note})" if record.note else ""
        self._write(f"\r\033[K{mark} {record.name:<34} {record.seconds:7.1f} s{note}")

    def _write(self, text: str, end: str = "\n") -> None:
        if self.enabled:
            self.stream.write(text + end)
            self.stream.flush()


class SkipStep(Exception):  # noqa: N818 (not an error: a step that cannot run is skipped)
    """Raised inside :meth:`Progress.step` when a step cannot run (e.g. its input is absent)."""
