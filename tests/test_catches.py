"""No page catches ``ValueError`` (issue 15): a refusal is a :class:`service.errors.Refused`,
and a broad ``except ValueError`` in a view hides bugs. The one place of service/web that
catches it is service/web/parse.py, around one conversion each.

Read with :mod:`ast`; the names in an ``except`` are then looked up in the imported module,
so that catching a ValueError subclass by its own name (``except ops.UploadRefused``, as the
upload page did) counts as well.
"""

from __future__ import annotations

import ast
import builtins
import importlib
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
WEB = ROOT / "service" / "web"
CONVERSIONS = "service.web.parse"

# Catches of a ValueError subclass left to their module's owner in this round, with why; one
# not listed fails, and so does a listed one that is gone.
KNOWN: dict[tuple[str, str], str] = {
    # staff pages: an amount that cannot be read is shown at its field (domain.money)
    # start-up: a BASE_URL that cannot be used stops the start with its message
    ("service.web.auth", "InvalidBaseUrl"): "configuration check at start-up",
}


def _modules() -> Iterator[tuple[str, Path]]:
    for path in sorted(WEB.rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        yield ".".join(parts), path


def caught_names(tree: ast.AST) -> Iterator[ast.expr]:
    """The expressions of every ``except`` clause (each member of a tuple on its own)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ExceptHandler) and node.type is not None:
            if isinstance(node.type, ast.Tuple):
                yield from node.type.elts
            else:
                yield node.type


def _local_imports(name: str, path: Path, tree: ast.AST) -> dict[str, object]:
    """Names bound by ``from … import`` anywhere in the file (imports inside functions too)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    bound: dict[str, object] = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom):
            continue
        target = node.module or ""
        if node.level:
            parts = package.split(".")
            target = ".".join([*parts[: len(parts) - node.level + 1], *filter(None, [target])])
        for alias in node.names:
            try:
                owner = importlib.import_module(target)
            except ImportError:
                continue
            bound[alias.asname or alias.name] = getattr(owner, alias.name, None)
    return bound


def _lookup(scope: dict[str, object], expression: ast.expr) -> object:
    if isinstance(expression, ast.Name):
        return scope.get(expression.id, getattr(builtins, expression.id, None))
    if isinstance(expression, ast.Attribute):
        return getattr(_lookup(scope, expression.value), expression.attr, None)
    return None


def value_error_catches(name: str, path: Path, module: ModuleType) -> list[str]:
    """The names ``module`` catches that are ValueError or one of its subclasses."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    scope = {**_local_imports(name, path, tree), **vars(module)}
    found = []
    for expression in caught_names(tree):
        caught = _lookup(scope, expression)
        if isinstance(caught, type) and issubclass(caught, ValueError):
            found.append(ast.unparse(expression).rpartition(".")[2])
    return found


def test_the_checker_sees_a_subclass_caught_by_its_own_name(tmp_path: Path) -> None:
    source = tmp_path / "page.py"
    source.write_text(
        "def view():\n"
        "    try:\n"
        "        pass\n"
        "    except (KeyError, ops.UploadRefused):\n"
        "        pass\n"
        "    except ValueError:\n"
        "        pass\n"
        "    except ops.Refused:\n"
        "        pass\n",
        encoding="utf-8",
    )

    class UploadRefused(ValueError):
        pass

    page = ModuleType("page")
    page.ops = ModuleType("ops")  # type: ignore[attr-defined]
    page.ops.UploadRefused = UploadRefused  # type: ignore[attr-defined]
    page.ops.Refused = Exception  # type: ignore[attr-defined]
    assert value_error_catches("page", source, page) == ["UploadRefused", "ValueError"]


def test_no_page_catches_value_error_outside_the_conversions() -> None:
    found = {}
    for name, path in _modules():
        if name == CONVERSIONS:
            continue
        for caught in value_error_catches(name, path, importlib.import_module(name)):
            found[(name, caught)] = path.relative_to(ROOT).as_posix()
    assert {key: where for key, where in found.items() if key not in KNOWN} == {}
    gone = sorted(set(KNOWN) - set(found))
    assert not gone, f"no longer caught, remove from KNOWN: {gone}"


def test_the_conversions_are_the_one_place_with_except_value_error() -> None:
    parse = importlib.import_module(CONVERSIONS)
    path = WEB / "parse.py"
    # AmountError: the domain's reason why a typed amount is none (a ValueError); Error:
    # binascii's for a posted-back file that is no base64 (a ValueError too)
    assert set(value_error_catches(CONVERSIONS, path, parse)) == {
        "ValueError",
        "AmountError",
        "Error",
    }
