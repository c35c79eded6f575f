"""Placeholder until its module lands (see BLUEPRINT_MODULES)."""
from flask import Blueprint

bp = Blueprint("admin_meetings", __name__)
