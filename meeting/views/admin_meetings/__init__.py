"""The meeting set-up pages (/admin/meetings): list and settings, jurors, draw pool."""
