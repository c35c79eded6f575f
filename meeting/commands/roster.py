"""Placeholder until its module lands (see COMMAND_MODULES)."""


def register(app) -> None:  # pragma: no cover
    """Nothing yet."""
