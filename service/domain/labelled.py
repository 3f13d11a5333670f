"""One base for the small vocabularies that are stored as a value and shown with a title.

A member is declared with its stored value and the English msgid of its German title::

    class NoticeState(LabelledEnum):
        draft = "draft", N_("Draft")
        issued = "issued", N_("Issued")

``NoticeState("draft")`` finds the member by its value, the database column stores the value,
and ``member.label`` is the msgid – translated at the entry point, never here. Before this
base every vocabulary was an enum, a private title dict and a ``label`` property written by
hand, and a member could be added without its title.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self


class LabelledEnum(StrEnum):
    """A :class:`StrEnum` whose members carry the msgid of their title (``label``)."""

    _title: str

    # ``title`` has a default only so that the lookup by value, ``State("draft")``, type-checks;
    # the lookup never calls this. Declaring a member without its title is refused at import.
    def __new__(cls, value: str, title: str = "") -> Self:
        if not title:
            raise TypeError(f"{cls.__name__}.{value}: a labelled member needs its title")
        member = str.__new__(cls, value)
        member._value_ = value
        member._title = title
        return member

    @property
    def label(self) -> str:
        """English msgid of the German title; translate it at the entry point."""
        return self._title
