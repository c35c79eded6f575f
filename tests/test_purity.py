"""The scoring core must stay importable with the standard library alone."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import scoring

SCORING_DIR = Path(scoring.__file__).parent
FORBIDDEN = {"flask", "flask_socketio", "flask_babel", "flask_wtf", "sqlalchemy", "eventlet",
             "twilio", "meeting", "alembic", "openpyxl", "socketio", "engineio", "redis", "psycopg"}


def _imported_top_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_no_scoring_module_imports_a_framework_or_the_app():
    offenders = {
        str(path.relative_to(SCORING_DIR)): sorted(_imported_top_modules(path) & FORBIDDEN)
        for path in SCORING_DIR.rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_every_scoring_import_is_from_the_standard_library_or_scoring_itself():
    allowed = set(sys.stdlib_module_names) | {"scoring", "__future__"}
    strays = {
        str(path.relative_to(SCORING_DIR)): sorted(_imported_top_modules(path) - allowed)
        for path in SCORING_DIR.rglob("*.py")
    }
    assert {k: v for k, v in strays.items() if v} == {}


def test_scoring_imports_in_a_bare_interpreter_without_site_packages(tmp_path):
    modules = sorted(p.stem for p in SCORING_DIR.glob("*.py") if p.stem not in ("__init__", "__main__"))
    code = "import scoring;" + "".join(f"import scoring.{m};" for m in modules) + "print('ok')"
    # -S: no site-packages, -I: isolated (ignores PYTHONPATH and the user site); cwd holds scoring/.
    result = subprocess.run([sys.executable, "-S", "-I", "-c", f"import sys; sys.path.insert(0, {str(SCORING_DIR.parent)!r}); {code}"],
                            capture_output=True, text=True, cwd=tmp_path, env={})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
