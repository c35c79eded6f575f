"""The one place where codes become words.

Services and the pure core raise and return codes with values (meeting.errors, scoring's
error codes); the edge (views, socket acks, CLI, templates) turns them into text here, with
Flask-Babel's catalogs. Each domain keeps its entries in a module of this package; a code
appears in exactly one of them (checked at import). Msgids are English with %(name)s values.
"""
from __future__ import annotations

from typing import Any, Mapping

import flask_babel
from flask import has_app_context
from markupsafe import escape

from meeting.messages import accounts, calls, common, draw, live, roster, setup
from meeting.messages import followup
from meeting.messages import chain
from meeting.messages import report

_DOMAINS: tuple[Mapping[str, str], ...] = (common.MESSAGES, accounts.MESSAGES, roster.MESSAGES,
                                           draw.MESSAGES, live.MESSAGES, calls.MESSAGES, setup.MESSAGES,
                                           followup.MESSAGES, chain.MESSAGES, report.MESSAGES)


def _merge(domains: tuple[Mapping[str, str], ...]) -> dict[str, str]:
    merged: dict[str, str] = {}
    for table in domains:
        twice = merged.keys() & table.keys()
        if twice:
            raise RuntimeError(f"message codes defined twice: {sorted(twice)}")
        merged.update(table)
    return merged


CATALOG: dict[str, str] = _merge(_DOMAINS)


def text(code: str, /, **params: Any) -> str:
    """The words for `code` in the active locale; the code itself if the catalog lacks it."""
    msgid = CATALOG.get(code)
    if msgid is None:
        return code
    if has_app_context():
        return flask_babel.gettext(msgid, **params)
    return msgid % params if params else msgid


# Codes the state carries whose names the edge shows: kind -> {code: msgid}; catalog code "<kind>.<code>".
NAMES: dict[str, Mapping[str, str]] = {
    "stage": live.STAGE_NAMES, "action": live.ACTION_NAMES, "decision": live.DECISION_NAMES,
    "role": live.ROLE_NAMES, "juror_category": setup.JUROR_CATEGORIES,
    "recusal": live.RECUSAL_NAMES,
    "provider": calls.PROVIDER_NAMES, "call_source": calls.CALL_SOURCE_NAMES,
}


def name(kind: str, code: str) -> str:
    """The name of a stage, action, decision, team role, juror category, telephony provider or call
    event source; the code if unknown."""
    return text(f"{kind}.{code}") if code in NAMES[kind] else code


def names(kind: str) -> dict[str, str]:
    """Every name of one kind (see NAMES) in the active locale, in the catalog's order."""
    return {code: text(f"{kind}.{code}") for code in NAMES[kind]}


def category_name(code: str) -> str:
    """A juror category's name in the active locale (setup.JUROR_CATEGORIES); the code if unknown."""
    return name("juror_category", code)


def error_text(exc: Any) -> str:
    """The message for a meeting.errors.UserError (or anything with code and params)."""
    # `reason` names the catalog entry when the code itself is not one (a provider's raw code).
    params = dict(getattr(exc, "params", {}))
    if isinstance(params.get("provider"), str):  # a provider's code ("simulated") is shown by its name
        params["provider"] = name("provider", params["provider"])
    return text(getattr(exc, "reason", None) or exc.code, **params)


class Label(str):
    """A catalog code carried as data, translated only when shown.

    Services put it where a page shows a word (e.g. the name of the whole-pool stratum); the
    edge translates it when it renders it (Jinja calls __html__, str() calls __str__); JSON
    gets the English msgid, which is its str value.
    """

    code: str
    params: dict[str, Any]

    def __new__(cls, code: str, **params: Any) -> "Label":
        msgid = CATALOG.get(code, code)
        self = super().__new__(cls, msgid % params if params else msgid)
        self.code, self.params = code, params
        return self

    def __str__(self) -> str:
        return text(self.code, **self.params)

    def __html__(self) -> str:
        return str(escape(str(self)))
