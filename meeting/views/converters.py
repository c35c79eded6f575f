"""URL converters: `<int:…>` that only matches numbers a database id can be."""
from __future__ import annotations

from typing import Any

from werkzeug.routing import IntegerConverter, ValidationError

from meeting.ids import MAX_ID


class BoundedIntegerConverter(IntegerConverter):
    """Werkzeug's int converter, but a number above MAX_ID does not match (a 404, not a 500).

    The length is checked before int() so a path of thousands of digits costs nothing.
    """

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)

    def to_python(self, value: str) -> int:
        if len(value) > len(str(MAX_ID)):
            raise ValidationError()
        return super().to_python(value)


def install(app: Any) -> None:
    """Make `<int:…>` bounded in every route; call before any blueprint is registered."""
    app.url_map.converters["int"] = BoundedIntegerConverter
