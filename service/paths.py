"""Where the data folders that sit beside the packages are found.

In a checkout (editable install) they are the top-level ``doc_templates/`` and ``locale/``;
in a non-editable install pyproject.toml maps them to the packages
``foerderwerk_doc_templates`` and ``foerderwerk_locale``.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

_ROOT = Path(__file__).resolve().parent.parent


def _data_dir(top_level: str, installed_name: str) -> Path:
    local = _ROOT / top_level
    if local.is_dir():
        return local
    spec = importlib.util.find_spec(installed_name)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"data folder {top_level!r} not found")
    return Path(next(iter(spec.submodule_search_locations)))


def locale_dir() -> Path:
    return _data_dir("locale", "foerderwerk_locale")


def doc_templates_dir() -> Path:
    return _data_dir("doc_templates", "foerderwerk_doc_templates")


def project_root() -> Path:
    return _ROOT
