"""The service's clock: "today" for legal dates and "now" for timestamps.

Legal dates (deadlines, notice dates, report due dates) are the date in Europe/Berlin, not the
server's zone. ``TODAY`` in the configuration (FOERDERWERK_TODAY, ISO date) pins "today" for
demonstrations and tests – everywhere, through this one object (refused in production). No code
outside this module asks the system for today's date.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")


@dataclass(frozen=True)
class Clock:
    """``pinned``: the date "today" is held at (demonstrations, tests); None: the real date."""

    pinned: date | None = None

    def today(self) -> date:
        """Today in Germany (or the pinned date)."""
        if self.pinned is not None:
            return self.pinned
        return datetime.now(BERLIN).date()

    def now(self) -> datetime:
        """The current instant, UTC (stored as such, shown in Europe/Berlin)."""
        return datetime.now(UTC)


def clock_from_config(config: Mapping[str, Any]) -> Clock:
    pinned = config.get("TODAY")
    if not pinned:
        return Clock()
    return Clock(pinned if isinstance(pinned, date) else date.fromisoformat(str(pinned)))


def clock_from_environment() -> Clock:
    """The clock of a command that runs without the application (``foerderwerk check`` and
    ``render``): FOERDERWERK_TODAY from the environment, like :func:`clock_from_config`."""
    from .config import setting

    return clock_from_config({"TODAY": setting("TODAY")})
