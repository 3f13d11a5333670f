"""The labelled vocabularies: every member has a title, and every title is translated."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import service
from service.domain.labelled import LabelledEnum
from service.domain.states import ApplicationState
from service.i18n import BabelLocalizer


def _all_vocabularies() -> list[type[LabelledEnum]]:
    for info in pkgutil.walk_packages(service.__path__, "service."):
        if info.name.startswith(("service.domain", "service.models")):
            importlib.import_module(info.name)
    found: list[type[LabelledEnum]] = []
    pending = list(LabelledEnum.__subclasses__())
    while pending:
        cls = pending.pop()
        if cls.__module__.startswith("service."):  # not the test's own classes
            found.append(cls)
        pending.extend(cls.__subclasses__())
    return found


def test_the_stored_value_is_the_plain_value() -> None:
    assert ApplicationState("in_check") is ApplicationState.in_check
    assert ApplicationState.in_check.value == "in_check"
    assert ApplicationState.in_check == "in_check"
    assert ApplicationState.in_check.label == "Formal check"


def test_a_member_without_title_is_refused() -> None:
    with pytest.raises(TypeError, match="needs its title"):

        class Broken(LabelledEnum):
            fine = "fine", "Fine"
            untitled = "untitled"


def test_every_title_is_translated_into_german() -> None:
    german = BabelLocalizer("de")
    vocabularies = _all_vocabularies()
    assert len(vocabularies) >= 11
    untranslated = [
        f"{cls.__name__}.{member.name}"
        for cls in vocabularies
        for member in cls
        if german.gettext(member.label) == member.label
    ]
    assert untranslated == []
