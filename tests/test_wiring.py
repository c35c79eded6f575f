"""The wiring is visible: configuration read when the app is built, blueprints and commands
registered by name in create_app, nothing loaded from strings."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from meeting import create_app
from meeting.config import Config, TestConfig

MEETING = Path(__file__).resolve().parent.parent / "meeting"


def test_the_environment_is_read_when_the_app_is_created_not_when_config_is_imported(monkeypatch, tmp_path):
    monkeypatch.setenv("PUBLIC_BASE_URL", "http://192.0.2.10:5000")
    monkeypatch.setenv("TELEPHONY_CALLS_PER_ROUND", "4")
    monkeypatch.setenv("MINKAO_INSTANCE_PATH", str(tmp_path))
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "SECRET_KEY": "k"})
    assert app.config["PUBLIC_BASE_URL"] == "http://192.0.2.10:5000"
    assert app.config["TELEPHONY_CALLS_PER_ROUND"] == 4


def test_a_config_class_given_to_create_app_wins_over_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("TELEPHONY_PROVIDER", "twilio")
    monkeypatch.setenv("MINKAO_INSTANCE_PATH", str(tmp_path))
    app = create_app(TestConfig)
    assert app.config["TELEPHONY_PROVIDER"] == "simulated"


def test_a_malformed_number_in_the_environment_names_its_variable():
    with pytest.raises(ValueError, match="MAX_UPLOAD_MB='lots'"):
        Config.from_env({"MAX_UPLOAD_MB": "lots"})


def test_the_upload_limit_comes_from_the_environment_in_megabytes():
    assert Config.from_env({"MAX_UPLOAD_MB": "2"})["MAX_CONTENT_LENGTH"] == 2 * 1024 * 1024
    assert Config.from_env({})["DATABASE_URL"] == "sqlite:///minkao.db"


def test_every_blueprint_of_the_views_package_is_registered_by_create_app(tmp_path, monkeypatch):
    monkeypatch.setenv("MINKAO_INSTANCE_PATH", str(tmp_path))
    app = create_app(TestConfig)
    modules = {p.stem for p in (MEETING / "views").glob("*.py")} | {"admin_meetings"}
    with_bp = set()
    for path in list((MEETING / "views").glob("*.py")) + [MEETING / "views" / "admin_meetings" / "pages.py"]:
        if "bp = Blueprint(" in path.read_text(encoding="utf-8"):
            with_bp.add(path.stem if path.parent.name == "views" else "admin_meetings")
    assert with_bp <= modules
    assert {bp.import_name.split(".")[-1] if "admin_meetings" not in bp.import_name else "admin_meetings"
            for bp in app.blueprints.values()} >= with_bp


def test_no_module_of_the_app_imports_by_string():
    offenders = []
    for path in MEETING.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                if "importlib" in names:
                    offenders.append(str(path.relative_to(MEETING)))
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "__import__":
                offenders.append(str(path.relative_to(MEETING)))
    assert offenders == []
