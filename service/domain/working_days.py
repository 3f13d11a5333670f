"""Working days for the dates of a notice: when it counts as notified, when its remedy
deadline ends (issue 17, item 9).

A day is no working day when it is a Saturday, a Sunday or a public holiday. The settings of a
partnership name no Land, so the holidays of *every* Land count (docs/decisions.md, "Issuing
and notifying"): a date moved by a holiday of another Land comes out a day later than it
would there – the safe side for an authority, whose deadlines then never end too early. The
holidays are those set by the Länder's holiday acts (2026): the nine nationwide ones, and
6 January, 8 March, Corpus Christi, 15 August, 20 September, 31 October, 1 November and the
Day of Repentance and Prayer (Buß- und Bettag). Holidays of a single town (Augsburg's
8 August) and one-off holidays are not among them.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache


def easter_sunday(year: int) -> date:
    """Easter Sunday of ``year`` in the Gregorian calendar (the anonymous Gregorian
    algorithm, "Meeus/Jones/Butcher")."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    leap = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * leap) // 451
    month, day = divmod(h + leap - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _day_of_repentance(year: int) -> date:
    """Buß- und Bettag: the Wednesday before 23 November."""
    day = date(year, 11, 22)
    return day - timedelta(days=(day.weekday() - 2) % 7)


@lru_cache(maxsize=64)
def public_holidays(year: int) -> frozenset[date]:
    """The public holidays of ``year`` in any German Land."""
    easter = easter_sunday(year)
    fixed = [(1, 1), (1, 6), (3, 8), (5, 1), (8, 15), (9, 20), (10, 3), (10, 31), (11, 1)]
    fixed += [(12, 25), (12, 26)]
    moving = [
        easter - timedelta(days=2),  # Good Friday
        easter + timedelta(days=1),  # Easter Monday
        easter + timedelta(days=39),  # Ascension Day
        easter + timedelta(days=50),  # Whit Monday
        easter + timedelta(days=60),  # Corpus Christi
        _day_of_repentance(year),
    ]
    return frozenset([date(year, month, day) for month, day in fixed] + moving)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in public_holidays(day.year)


def next_working_day(day: date) -> date:
    """``day`` itself when it is a working day, else the next working day."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day
