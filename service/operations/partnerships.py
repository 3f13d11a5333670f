"""A partnership's settings (issue 16): create, update, export, list – and the letterhead the
documents get from them.

The settings come as a nested mapping, from a TOML file (:func:`read_settings_file`: files
named there are read relative to it) or from the admin page; :func:`create_partnership` and
:func:`update_partnership` check them with the one validation
(``service/domain/partnership_settings.validate_settings``) and refuse with *every* problem,
each naming its key – then nothing is saved. The logo and the annexes are kept as bytes
(``PartnershipFile``); the export writes them as base64 (docs/decisions.md).
"""

from __future__ import annotations

import base64
import json
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy import select

from ..domain.messages import N_, Localizer, Message
from ..domain.partnership_settings import (
    BUDGET_LINES,
    FILE_KEYS,
    KEYS,
    SECTIONS,
    Settings,
    SettingsFile,
    SettingsProblem,
    file_from_table,
    validate_settings,
)
from ..errors import NotFound, Refused
from ..models import Partnership
from ..rendering.partnership import ANNEX_KEYS, AnnexFile, parse_partnership
from ..rendering.partnership import Partnership as Letterhead
from ..uow import UnitOfWork
from . import audit

SLUG_TAKEN = Message(
    N_("There is already a partnership with this slug. Please choose another one.")
)
SLUG_FIXED = Message(
    N_(
        "The slug of a partnership cannot be changed (it is part of every web address). "
        "Please give “%(slug)s” here."
    )
)
NOT_READABLE = Message(
    N_("The file %(file)s cannot be read. Please check the path (relative to the settings file).")
)


class SettingsRefused(Refused):
    """Settings with problems: nothing was saved; ``problems`` lists each, naming its key."""

    def __init__(self, problems: Sequence[SettingsProblem]) -> None:
        super().__init__(Message(N_("The settings were not saved. Please correct the following:")))
        self.problems = tuple(problems)

    def render(self, localizer: Localizer) -> str:
        # every problem, one a line: a person fixing a file wants them all at once
        lines = [self.message.render(localizer)]
        lines += [f"- {problem.render(localizer)}" for problem in self.problems]
        return "\n".join(lines)


# -- reading -----------------------------------------------------------------------------------


def read_settings_file(path: str | Path) -> dict[str, Any]:
    """The TOML file as a mapping, its files (logo, annexes: a path relative to the file, or
    the export's ``{name, base64}``) read into :class:`SettingsFile`. Refuses what is not
    readable TOML or names a file that cannot be read – every such problem at once."""
    source = Path(path)
    try:
        data = tomllib.loads(source.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsRefused(
            [
                SettingsProblem(
                    "", str(path), Message(NOT_READABLE.msgid, {"file": f"{path} ({exc})"})
                )
            ]
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        raise SettingsRefused(
            [
                SettingsProblem(
                    "",
                    str(path),
                    Message(
                        N_("This is not valid TOML: %(detail)s. Please correct the file."),
                        {"detail": str(exc)},
                    ),
                )
            ]
        ) from exc
    problems: list[SettingsProblem] = []
    for spec in FILE_KEYS:
        section = data.get(spec.section)
        if not isinstance(section, dict):
            continue
        value = section.get(spec.key)
        if isinstance(value, str) and value.strip():
            target = source.parent / value.strip()
            try:
                section[spec.key] = SettingsFile(target.name, target.read_bytes())
            except OSError:
                problems.append(
                    SettingsProblem(
                        spec.section,
                        spec.key,
                        Message(NOT_READABLE.msgid, {"file": value.strip()}),
                    )
                )
                section[spec.key] = None
        elif isinstance(value, Mapping):
            found = file_from_table(value)
            if isinstance(found, Message):
                problems.append(SettingsProblem(spec.section, spec.key, found))
                section[spec.key] = None
            else:
                section[spec.key] = found
    if problems:
        # the other keys are checked too, so that one run names everything
        _settings, more = validate_settings(data)
        raise SettingsRefused(problems + [p for p in more if p.name not in _names(problems)])
    return data


def _names(problems: Sequence[SettingsProblem]) -> set[str]:
    return {p.name for p in problems}


# -- saving ------------------------------------------------------------------------------------


def find_partnership(uow: UnitOfWork, slug: str) -> Partnership:
    found = uow.session.scalars(select(Partnership).where(Partnership.slug == slug)).one_or_none()
    if found is None:
        raise NotFound(
            Message(N_("There is no partnership “%(slug)s”."), {"slug": slug[:63]}),
        )
    return found


def list_partnerships(uow: UnitOfWork) -> list[Partnership]:
    return list(uow.session.scalars(select(Partnership).order_by(Partnership.slug)))


def _apply(partnership: Partnership, settings: Settings) -> None:
    plain = {
        section: {key: value for key, value in content.items() if (section, key) not in _FILES}
        for section, content in settings.items()
    }
    partnership.apply_settings(plain)
    for section, key in _FILES:
        file = settings.get(section, {}).get(key)
        if isinstance(file, SettingsFile):
            partnership.set_file(section, key, file.name, file.data)
        else:
            partnership.set_file(section, key, None, None)


_FILES = frozenset((spec.section, spec.key) for spec in FILE_KEYS)


def settings_problems(
    uow: UnitOfWork, data: Mapping[str, Any], *, partnership: Partnership | None = None
) -> tuple[Settings, list[SettingsProblem]]:
    """The one validation plus what only the database knows (a slug taken, a slug changed)."""
    settings, problems = validate_settings(data)
    slug = settings["partnership"].get("slug", "")
    if slug and not any(p.name == "partnership.slug" for p in problems):
        if partnership is not None and slug != partnership.slug:
            problems.append(
                SettingsProblem(
                    "partnership", "slug", Message(SLUG_FIXED.msgid, {"slug": partnership.slug})
                )
            )
        elif partnership is None:
            taken = uow.session.scalar(select(Partnership.id).where(Partnership.slug == slug))
            if taken is not None:
                problems.append(SettingsProblem("partnership", "slug", SLUG_TAKEN))
    return settings, problems


def create_partnership(uow: UnitOfWork, data: Mapping[str, Any]) -> Partnership:
    """A new partnership from complete settings; refuses with every problem."""
    settings, problems = settings_problems(uow, data)
    if problems:
        raise SettingsRefused(problems)
    partnership = Partnership()
    _apply(partnership, settings)
    uow.session.add(partnership)
    uow.session.flush()
    audit.record(
        uow.session,
        uow.actor,
        "partnership.create",
        "partnership",
        partnership.id,
        partnership_id=partnership.id,
        slug=partnership.slug,
    )
    return partnership


def update_partnership(
    uow: UnitOfWork, partnership: Partnership, data: Mapping[str, Any]
) -> list[str]:
    """Replace the settings (the mapping is the complete set: a file left out is removed);
    returns the dotted keys that changed. Refuses with every problem."""
    settings, problems = settings_problems(uow, data, partnership=partnership)
    if problems:
        raise SettingsRefused(problems)
    before = partnership.settings()
    _apply(partnership, settings)
    uow.session.flush()
    after = partnership.settings()
    changed = [
        f"{section}.{key}" if section != BUDGET_LINES else section
        for section, content in after.items()
        for key in (content if section != BUDGET_LINES else [""])
        if (before.get(section, {}).get(key) if key else before.get(section))
        != (content.get(key) if key else content)
    ]
    if changed:
        audit.record(
            uow.session,
            uow.actor,
            "partnership.update",
            "partnership",
            partnership.id,
            partnership_id=partnership.id,
            changed=changed,
        )
    return changed


def current_settings(partnership: Partnership) -> dict[str, Any]:
    """The stored settings as the mapping :func:`update_partnership` takes (files as
    :class:`SettingsFile`) – the admin page starts from it."""
    data: dict[str, Any] = {section: {} for section, _legend in SECTIONS}
    stored = partnership.settings()
    for spec in KEYS:
        if spec.is_file:
            found = partnership.file(spec.section, spec.key)
            data[spec.section][spec.key] = (
                SettingsFile(found.name, found.data) if found is not None else None
            )
        else:
            data[spec.section][spec.key] = stored.get(spec.section, {}).get(spec.key)
    data[BUDGET_LINES] = dict(stored.get(BUDGET_LINES, {}))
    return data


# -- export ------------------------------------------------------------------------------------


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    # a JSON string is a valid TOML basic string (the same escapes)
    return json.dumps(str(value), ensure_ascii=False)


def _toml_key(key: str) -> str:
    bare = key.replace("-", "").replace("_", "").isalnum() and key.isascii()
    return key if bare else json.dumps(key, ensure_ascii=False)


def export_settings(partnership: Partnership) -> str:
    """The settings as TOML, re-importable with ``partnerships create/update``; files as
    ``{ name = "…", base64 = "…" }`` so that the one text holds everything."""
    lines = [
        "# Förderwerk – Einstellungen der Partnerschaft (docs/partnership-settings.md)",
        "# Dateien (Logo, Anlagen) stehen base64-kodiert im Text.",
    ]
    stored = partnership.settings()
    for section, _legend in SECTIONS:
        lines += ["", f"[{section}]"]
        if section == BUDGET_LINES:
            for fund, line in stored.get(BUDGET_LINES, {}).items():
                lines.append(f"{_toml_key(fund)} = {_toml_value(line)}")
            continue
        for spec in KEYS:
            if spec.section != section:
                continue
            if spec.is_file:
                found = partnership.file(section, spec.key)
                if found is not None:
                    encoded = base64.b64encode(found.data).decode("ascii")
                    lines.append(
                        f'{spec.key} = {{ name = {_toml_value(found.name)}, base64 = "{encoded}" }}'
                    )
                continue
            value = stored.get(section, {}).get(spec.key)
            if value is None or value == "":
                continue
            lines.append(f"{spec.key} = {_toml_value(value)}")
    return "\n".join(lines) + "\n"


# -- the documents' view of a partnership ------------------------------------------------------


def letterhead_of(partnership: Partnership) -> Letterhead:
    """What the documents of this partnership's records show: its settings from the
    database, the logo as bytes."""
    data = partnership.settings()
    data["branding"] = {**data["branding"], "logo": ""}
    data.pop("annexes", None)
    letterhead = parse_partnership(data)
    annexes = tuple(
        AnnexFile(key, found.name, found.data)
        for key in ANNEX_KEYS
        if (found := partnership.file("annexes", key)) is not None
    )
    logo = partnership.file("branding", "logo")
    return replace(letterhead, logo_data=logo.data if logo is not None else b"", annexes=annexes)
