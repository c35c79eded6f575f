"""One way to translate (issue #8): services and the core raise codes with values; only the edge
words them, with the catalog in meeting/messages/ and Flask-Babel."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from meeting.messages import CATALOG, category_name, text
from meeting.messages import live as live_messages
from meeting.messages import setup as setup_messages
from meeting.services.setup.meetings import JUROR_CATEGORIES
from scoring import stages

ROOT = Path(__file__).resolve().parent.parent
# Built with flask_babel.gettext per row, i.e. through the catalogs (left as is on purpose).
THROUGH_GETTEXT = ("meeting/services/roster/importing/",)
# Not converted yet: the calls/telephony domain (its own change). Empty this when it lands.
PENDING: set[str] = set()
ERRORS = {"UserError", "NotFound", "Forbidden", "Conflict", "InvalidCredentials", "RateLimited"}
_PLACEHOLDER = re.compile(r"%\((\w+)\)")


def _modules() -> list[Path]:
    paths = sorted((ROOT / "meeting" / "services").rglob("*.py")) + sorted((ROOT / "scoring").rglob("*.py"))
    return [p for p in paths if not str(p.relative_to(ROOT)).startswith(THROUGH_GETTEXT)]


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


MODULES = [p for p in _modules() if _rel(p) not in PENDING]
# Every service raises codes, the roster import included (its per-row reasons are gettext'd).
RAISING = MODULES + sorted((ROOT / "meeting" / "services" / "roster" / "importing").rglob("*.py"))


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _raised(path: Path) -> list[ast.Call]:
    """Every call of an error class of meeting.errors (or a subclass named in ERRORS)."""
    return [n for n in ast.walk(_tree(path)) if isinstance(n, ast.Call) and _name(n.func) in ERRORS]


@pytest.mark.parametrize("path", MODULES, ids=_rel)
def test_services_and_the_core_neither_import_flask_babel_nor_define_a_gettext_helper(path):
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Import):
            assert not any(a.name.split(".")[0] == "flask_babel" for a in node.names), _rel(path)
        elif isinstance(node, ast.ImportFrom):
            assert (node.module or "").split(".")[0] != "flask_babel", _rel(path)
            assert not any(a.name in ("_", "_l", "gettext", "lazy_gettext") for a in node.names), \
                f"{_rel(path)} imports a gettext helper from {node.module}"
        elif isinstance(node, (ast.FunctionDef, ast.Lambda)) and getattr(node, "name", "") in ("_", "_l"):
            pytest.fail(f"{_rel(path)} defines a gettext helper {node.name}")
        elif isinstance(node, ast.Assign):
            assert not any(isinstance(t, ast.Name) and t.id in ("_", "_l") for t in node.targets), _rel(path)


@pytest.mark.parametrize("path", RAISING, ids=_rel)
def test_every_error_raised_is_a_code_with_a_catalog_entry_and_the_values_it_needs(path):
    for call in _raised(path):
        where = f"{_rel(path)}:{call.lineno}"
        if not call.args:
            continue  # the class's own code (checked below)
        first = call.args[0]
        if isinstance(first, ast.JoinedStr):  # e.g. f"transition_{exc.code}", checked below
            continue
        if isinstance(first, ast.Attribute) and first.attr == "code":
            continue  # a pure-core error's code passed on: see the test of the core's codes below
        codes = [first.body, first.orelse] if isinstance(first, ast.IfExp) else [first]
        for code in codes:
            assert isinstance(code, ast.Constant) and isinstance(code.value, str), f"{where}: code is not a literal"
            assert code.value in CATALOG, f"{where}: no catalog entry for {code.value!r}"
            given = {k.arg for k in call.keywords}
            needed = set(_PLACEHOLDER.findall(CATALOG[code.value]))
            assert needed <= given, f"{where}: {code.value} needs {sorted(needed - given)}"


def test_the_codes_built_at_run_time_and_the_error_classes_have_catalog_entries():
    from meeting.services.accounts import auth
    from meeting.errors import Conflict, Forbidden, NotFound, UserError

    for refused in (stages.IllegalTransition, stages.NoSubject):
        assert f"transition_{refused.code}" in CATALOG
    from meeting.services.roster.importing.types import ImportRefused

    for cls in (UserError, NotFound, Forbidden, Conflict, auth.InvalidCredentials, auth.RateLimited, ImportRefused):
        assert cls.code in CATALOG


def test_every_stage_action_decision_role_and_juror_category_has_a_name():
    assert set(live_messages.STAGE_NAMES) == {s for kind in stages.ROUND_KINDS for s in stages.STAGES[kind]}
    assert set(stages.ACTIONS) <= set(live_messages.ACTION_NAMES)
    assert set(live_messages.DECISION_NAMES) == set(stages.DECISION_KINDS)
    assert set(live_messages.ROLE_NAMES) == set(stages.INVESTIGATION_ROLES)
    assert JUROR_CATEGORIES == tuple(setup_messages.JUROR_CATEGORIES)


def test_names_follow_the_active_locale(app):
    from meeting.messages import name, names

    with app.test_request_context("/?lang=en"):
        assert names("decision")["discipline"] == "Referral for discipline"
        assert name("stage", "scoring_open") == "Scoring open" and name("stage", "nowhere") == "nowhere"
        assert list(names("juror_category")) == list(JUROR_CATEGORIES)


def test_codes_are_worded_in_the_active_locale(app):
    with app.test_request_context("/?lang=en"):
        assert text("juror_category.citizen_rep") == category_name("citizen_rep") == "Citizen representative"
        assert text("draw_not_found", draw=7) == "There is no draw 7."
    with app.test_request_context("/"):
        assert category_name("party_rep") == "党代表" and category_name("nobody") == "nobody"
    assert text("no_such_code") == "no_such_code"


def test_every_code_the_case_core_raises_has_a_catalog_entry():
    """The follow-up services pass scoring.cases' error codes on as they are."""
    from meeting.messages import CATALOG

    tree = ast.parse((ROOT / "scoring" / "cases.py").read_text(encoding="utf-8"))
    codes = {node.args[1].value for node in ast.walk(tree)
             if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "CaseError"
             and len(node.args) > 1 and isinstance(node.args[1], ast.Constant)}
    assert codes and codes <= set(CATALOG), sorted(codes - set(CATALOG))
