"""Views and socket code do not query: they call services, which own queries and transactions.

Checked on the source (AST), like tests/test_purity.py keeps scoring/ pure. A module under
meeting/views/ or meeting/realtime/ may not

* import sqlalchemy (or flask_sqlalchemy, or meeting.database), not even for type hints;
* import meeting.models at run time (model classes only under `if TYPE_CHECKING:`; UPPER_CASE
  constants such as RANKS are fine);
* use `db` for anything but handing `db.session` to a call as an argument
  (`service(db.session, …)`) and `db.remove()` (the end of a socket event's session);
  so no db.session.get/scalar/scalars/execute/add/commit/rollback, no `s = db.session`,
  no db.engine; and `db` may not be imported under another name.
"""
from __future__ import annotations

import ast
from pathlib import Path

import meeting

MEETING_DIR = Path(meeting.__file__).parent
EDGE_DIRS = ("views", "realtime")
FORBIDDEN_TOP = {"sqlalchemy", "flask_sqlalchemy"}
FORBIDDEN_MODULES = {"meeting.database"}



def _type_checking_nodes(tree: ast.AST) -> set[int]:
    """ids of the nodes inside `if TYPE_CHECKING:` blocks."""
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If):
            test = node.test
            name = test.id if isinstance(test, ast.Name) else test.attr if isinstance(test, ast.Attribute) else ""
            if name == "TYPE_CHECKING":
                for child in node.body:
                    inside.update(id(n) for n in ast.walk(child))
    return inside


def _parents(tree: ast.AST) -> dict[int, ast.AST]:
    parents: dict[int, ast.AST] = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[id(child)] = node
    return parents


def offences(source: str) -> set[str]:
    """Every breach of the layer rule in one module's source, as short descriptions."""
    tree = ast.parse(source)
    typing_only = _type_checking_nodes(tree)
    parents = _parents(tree)
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in FORBIDDEN_TOP:
                    found.add(f"imports {alias.name.split('.')[0]}")
                if alias.name in FORBIDDEN_MODULES or (alias.name.startswith("meeting.models")
                                                        and id(node) not in typing_only):
                    found.add(f"imports {alias.name}")
        elif isinstance(node, ast.ImportFrom) and node.module:
            top = node.module.split(".")[0]
            if top in FORBIDDEN_TOP:
                found.add(f"imports {top}")
            if node.module in FORBIDDEN_MODULES:
                found.add(f"imports {node.module}")
            if node.module.startswith("meeting.models") and id(node) not in typing_only:
                found.update(f"imports {node.module}.{a.name}" for a in node.names if not a.name.isupper())
            if node.module == "meeting.extensions":
                found.update(f"imports db as {a.asname}" for a in node.names if a.name == "db" and a.asname)
            if node.module == "meeting" and any(a.name in ("extensions", "database", "models") for a in node.names):
                found.add("imports meeting.extensions/database/models as a module")
        elif isinstance(node, ast.Name) and node.id == "db" and isinstance(node.ctx, ast.Load):
            found.update(_db_use(node, parents))
    return found


def _db_use(node: ast.Name, parents: dict[int, ast.AST]) -> set[str]:
    """The offence of one use of the name `db`, if it is one."""
    attr = parents.get(id(node))
    if not isinstance(attr, ast.Attribute):
        return {"uses db itself"}
    outer = parents.get(id(attr))
    if attr.attr == "remove" and isinstance(outer, ast.Call) and outer.func is attr:
        return set()
    if attr.attr != "session":
        return {f"db.{attr.attr}"}
    if isinstance(outer, ast.Call) and attr in outer.args:
        return set()
    if isinstance(outer, ast.keyword) and isinstance(parents.get(id(outer)), ast.Call):
        return set()
    if isinstance(outer, ast.Attribute):
        return {f"db.session.{outer.attr}"}
    return {"db.session outside a call's arguments"}


def _edge_modules() -> dict[str, Path]:
    return {str(p.relative_to(MEETING_DIR)): p for d in EDGE_DIRS for p in sorted((MEETING_DIR / d).rglob("*.py"))}


def test_views_and_socket_code_issue_no_queries():
    breaches = {}
    for name, path in _edge_modules().items():
        extra = offences(path.read_text(encoding="utf-8"))
        if extra:
            breaches[name] = sorted(extra)
    assert breaches == {}, "views/realtime must call services, not query (see this test's docstring)"


def test_the_rule_catches_what_it_should_and_allows_passing_the_session():
    bad = '''
import sqlalchemy as sa
from meeting.models import Juror, RANKS
from meeting.extensions import db as database
from meeting.extensions import db
def f():
    db.session.scalar(sa.select(Juror))
    s = db.session
    db.session.commit()
    db.engine
'''
    assert offences(bad) == {"imports sqlalchemy", "imports meeting.models.Juror", "imports db as database",
                             "db.session.scalar", "db.session outside a call's arguments",
                             "db.session.commit", "db.engine"}
    good = '''
from typing import TYPE_CHECKING
from meeting.extensions import db
from meeting.models import RANKS
if TYPE_CHECKING:
    from meeting.models import Meeting
def f(service):
    service(db.session, 1)
    service(session=db.session)
    db.remove()
'''
    assert offences(good) == set()
