"""A progress bar for the terminal: done/total, rate and time left, on one line that
redraws itself (or a line every few seconds when the output is not a terminal)."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from ..i18n import BabelLocalizer
from ..operations.regeneration import Progress

_ = BabelLocalizer().gettext


def format_duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    minutes, secs = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _decimal(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


class TerminalProgress:
    def __init__(self, stream: TextIO | None = None, width: int = 28, every: float = 5.0) -> None:
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.width = width
        self.every = every
        self.start = time.monotonic()
        self.start_finished: int | None = None
        self.last_line = 0.0
        self.shown = False

    def line(self, progress: Progress) -> str:
        if self.start_finished is None:
            self.start_finished = progress.finished
        total = max(progress.total, 1)
        filled = int(self.width * progress.finished / total)
        bar = "#" * filled + "-" * (self.width - filled)
        elapsed = time.monotonic() - self.start
        done_here = progress.finished - self.start_finished
        rate = done_here / elapsed if elapsed > 0 and done_here > 0 else 0.0
        eta = format_duration(progress.pending / rate) if rate else "–"
        text = _("%(finished)s/%(total)s done (%(failed)s failed) · %(rate)s/s · %(eta)s left") % {
            "finished": progress.finished,
            "total": progress.total,
            "failed": progress.failed,
            "rate": _decimal(rate),
            "eta": eta,
        }
        return f"[{bar}] {text}"

    def __call__(self, progress: Progress) -> None:
        line = self.line(progress)
        now = time.monotonic()
        if self.tty:
            self.stream.write("\r" + line + "\x1b[K")
            self.stream.flush()
            self.shown = True
        elif now - self.last_line >= self.every or progress.pending == 0:
            self.stream.write(line + "\n")
            self.stream.flush()
            self.last_line = now

    def close(self) -> None:
        if self.tty and self.shown:
            self.stream.write("\n")
            self.stream.flush()
