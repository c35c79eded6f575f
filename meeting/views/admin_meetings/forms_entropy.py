"""The form that declares one live-entropy source on the draw page: label, kind, count, supplier.

The rules live in scoring.entropy (declared_sources); the service checks them again and is the
authority. The form only puts a message next to the field that is wrong.
"""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import AnyOf, Length

from meeting.views.admin_meetings.forms import WholeNumber, flat_errors, nfkc, strip
from scoring.entropy import MAX_COUNT, MAX_TEXT, SOURCE_KINDS


class EntropySourceForm(FlaskForm):
    """One source as typed: what it is called, dice or digits, how many, who supplies it."""

    label = StringField(filters=[strip], validators=[
        Length(min=1, max=MAX_TEXT, message=_l("Name the source (1 to 100 characters)."))])
    kind = StringField(filters=[strip], validators=[AnyOf(SOURCE_KINDS, message=_l("Choose dice or digits."))])
    count = StringField(filters=[nfkc], validators=[WholeNumber(1, MAX_COUNT)])
    supplier = StringField(filters=[strip], validators=[
        Length(min=1, max=MAX_TEXT, message=_l("Say who supplies the value (1 to 100 characters)."))])

    def source(self) -> dict[str, Any]:
        """The source in the shape scoring.entropy.declared_sources takes (after validate())."""
        return {"label": self.label.data, "kind": self.kind.data, "count": int(self.count.data),
                "supplier": self.supplier.data}

    @property
    def field_errors(self) -> dict[str, str]:
        """The first error of each field, by name."""
        return flat_errors(self)
