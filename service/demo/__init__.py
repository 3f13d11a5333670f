"""The demo partnership: settings and guideline files, people and applications (fictional).

``foerderwerk demo`` (service.operations.demo.load_demo) loads them; ``make run`` calls it.

The demo works on any day (issue 16): its funds are those of the year of "today" (from
November also the next year's), built from the guideline templates ``guideline-aif.toml`` and
``guideline-jf.toml`` (``$year``, ``$sessions``). Everything is written for 2026
(:data:`STORY_YEAR`); another year's calendar is 2026's moved by whole weeks
(:func:`calendar_shift`), so every session stays on its weekday and every deadline, period and
age keeps its distance. The sessions are spread so that on every day of the year one of the
loaded funds has a session whose application deadline is still ahead. The sample applications
and the sessions that decided them (service/demo/content.py) lie in the last year whose
:data:`STORY_DAY` is not after today: what they tell as past is past.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from string import Template

DEMO_DIR = Path(__file__).resolve().parent

# The year the demo is written in, and its story's "today": the sessions before it were held
# and decided, the next one (8 September) has its agenda, the applications that came in until
# 24 August wait for it. Tests load the demo as on this day.
STORY_YEAR = 2026
STORY_DAY = date(STORY_YEAR, 8, 25)
# from this month on the next year's funds are loaded too, so that applications for the first
# sessions of the new year can be filed in time
NEXT_YEAR_FROM_MONTH = 11


def demo_text(name: str) -> str:
    return (DEMO_DIR / name).read_text(encoding="utf-8")


def calendar_shift(year: int) -> timedelta:
    """How far the demo's 2026 dates move for ``year``: the whole number of weeks nearest to
    the distance of the two years (a date keeps its weekday and moves at most three days
    away from its calendar day)."""
    days = (date(year, 7, 1) - date(STORY_YEAR, 7, 1)).days
    return timedelta(weeks=round(days / 7))


@dataclass(frozen=True)
class DemoFund:
    """One of the demo's funds: key ``<prefix>-<year>``, the guideline template, the committee
    that decides it, its sessions in 2026 and its budget line (Haushaltsstelle)."""

    prefix: str
    template: str
    committee: str
    sessions: tuple[date, ...]
    budget_line: str = ""

    def key(self, year: int) -> str:
        return f"{self.prefix}-{year}"

    def session_days(self, year: int) -> list[date]:
        return sorted(day + calendar_shift(year) for day in self.sessions)

    def guideline_text(self, year: int) -> str:
        """The fund's guideline file for ``year`` (what ``foerderwerk check`` reads)."""
        days = ", ".join(f'"{day.isoformat()}"' for day in self.session_days(year))
        return Template(demo_text(self.template)).substitute(year=year, sessions=f"[{days}]")


def story_year(today: date) -> int:
    """The year the sample applications and sessions are placed in on ``today``: the last one
    whose story day is not after today."""
    if today >= STORY_DAY + calendar_shift(today.year):
        return today.year
    return today.year - 1


def fund_years(today: date, story: int) -> list[int]:
    """The years whose funds the demo has on ``today``: the story's, the current one and,
    from November, the next."""
    years = {story, today.year}
    if today.month >= NEXT_YEAR_FROM_MONTH:
        years.add(today.year + 1)
    return sorted(years)
