"""What each document kind is called: its title and subject (PDF/DOCX metadata).

One pure function per kind, so the ``render`` command and the staff pages name the same
document the same way (they used to title minutes differently). Legal titles, German in every
locale like the documents themselves. A notice's heading is in :mod:`.notice` with its rules.
"""

from __future__ import annotations

from datetime import date

from .formatting import nest_quotes
from .notice import Heading, notice_heading

__all__ = [
    "Heading",
    "application_heading",
    "invitation_heading",
    "minutes_heading",
    "notice_heading",
    "report_heading",
]


def _day(value: date | None) -> str:
    return f"{value:%d.%m.%Y}" if value is not None else ""


def _dated(text: str, held_on: date | None) -> str:
    return f"{text} vom {_day(held_on)}" if held_on is not None else text


def minutes_heading(mode: str | None, held_on: date | None, committee: str = "") -> Heading:
    """The minutes of a session or of a written vote (Umlaufverfahren, ``mode`` "written").

    The subject is the committee's name where it is known (the staff page), else what met
    when (the ``render`` command reads only the meeting interchange)."""
    if mode == "written":
        title, what = "Protokoll des Umlaufverfahrens", "Umlaufverfahren"
    else:
        title, what = "Protokoll der Sitzung", "Sitzung"
    return Heading(_dated(title, held_on), committee or _dated(what, held_on))


def invitation_heading(held_on: date, committee: str) -> Heading:
    """The invitation with agenda to a session (a written vote has none)."""
    return Heading(f"Einladung zur Sitzung vom {_day(held_on)}", committee)


def application_heading(project_title: str) -> Heading:
    """An application, called by its project."""
    return Heading(nest_quotes(f"Antrag „{project_title}“"), project_title)


def report_heading(notice_number: str) -> Heading:
    """A report on the use of funds (Verwendungsnachweis), called by its notice's number."""
    return Heading(f"Verwendungsnachweis {notice_number}", notice_number)
