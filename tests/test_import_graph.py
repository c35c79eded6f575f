"""The house has no import cycles, and no function-level import hides one."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("meeting", "scoring")
# Function-level imports of the project's own modules that are there on purpose, not to
# break a cycle: the entry point must monkey-patch eventlet before Flask (and everything that
# imports it) loads; create_app is the same wiring seen from `python -m meeting`; a telephony
# provider's module (twilio for one) loads only when it is the configured one; the database
# command loads Alembic only when it runs.
ALLOWED = {
    "meeting/__main__.py": "monkey-patch before Flask loads",
    "meeting/__init__.py": "create_app is imported by the entry point before the patch",
    "meeting/telephony/__init__.py": "a provider loads only when configured",
    "meeting/commands/db.py": "Alembic loads only for db-upgrade",
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _files() -> dict[str, Path]:
    return {_module_name(p): p for pkg in PACKAGES for p in sorted((ROOT / pkg).rglob("*.py"))
            if "translations" not in p.parts}


def _resolve(importer: str, node: ast.ImportFrom, known: set[str], is_pkg: bool) -> list[str]:
    base = node.module or ""
    if node.level:
        parts = importer.split(".") if is_pkg else importer.split(".")[:-1]
        parts = parts[: len(parts) - node.level + 1]
        base = ".".join(parts + ([base] if base else []))
    out = []
    for alias in node.names:
        full = f"{base}.{alias.name}"
        out.append(full if full in known else base)
    return [m for m in out if m in known]


def _type_checking(tree: ast.AST) -> set[int]:
    ids: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", getattr(node.test, "attr", "")) == "TYPE_CHECKING":
            ids.update(id(n) for child in node.body for n in ast.walk(child))
    return ids


def _graph() -> tuple[dict[str, set[str]], dict[str, list[str]]]:
    files = _files()
    known = set(files)
    edges: dict[str, set[str]] = {m: set() for m in files}
    nested: dict[str, list[str]] = {}
    for name, path in files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        typing_only = _type_checking(tree)
        top_level = {id(n) for n in tree.body}
        for node in ast.walk(tree):
            if id(node) in typing_only:
                continue
            if isinstance(node, ast.ImportFrom):
                targets = _resolve(name, node, known, path.name == "__init__.py")
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names if a.name in known]
            else:
                continue
            if not targets:
                continue
            if id(node) in top_level or _inside_module_level_block(tree, node):
                edges[name].update(t for t in targets if t != name)
            else:
                nested.setdefault(str(path.relative_to(ROOT)), []).extend(targets)
    return edges, nested


def _inside_module_level_block(tree: ast.Module, node: ast.AST) -> bool:
    """An import inside a module-level try/if counts as a module-level import."""
    for stmt in tree.body:
        if isinstance(stmt, (ast.Try, ast.If)) and any(n is node for n in ast.walk(stmt)):
            return True
    return False


def _cycle(edges: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> list[str] | None:
        state[m] = 1
        stack.append(m)
        for n in sorted(edges.get(m, ())):
            # importing a package's submodule also runs the package's __init__, which is fine
            if m.startswith(n + "."):
                continue
            if state.get(n) == 1:
                return stack[stack.index(n):] + [n]
            if state.get(n) is None and (found := visit(n)):
                return found
        stack.pop()
        state[m] = 2
        return None

    for m in sorted(edges):
        if state.get(m) is None and (found := visit(m)):
            return found
    return None


def test_the_modules_import_each_other_without_a_cycle():
    edges, _ = _graph()
    assert _cycle(edges) is None


def test_the_only_function_level_imports_of_our_own_modules_are_the_deliberate_ones():
    _, nested = _graph()
    assert set(nested) <= set(ALLOWED), {k: v for k, v in nested.items() if k not in ALLOWED}


def test_the_cycle_finder_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
