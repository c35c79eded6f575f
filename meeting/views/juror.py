"""Placeholder until its module lands (see BLUEPRINT_MODULES)."""
from flask import Blueprint

bp = Blueprint("juror", __name__)
