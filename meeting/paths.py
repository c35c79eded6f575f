"""Where the project's files are: the checkout root holds templates/, static/, migrations/."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
