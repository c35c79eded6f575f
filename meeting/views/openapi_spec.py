"""The OpenAPI 3.1 document for /api/v1, kept next to the routes it describes."""
from __future__ import annotations

from typing import Any

_ERROR = {"type": "object", "properties": {"error": {"type": "object", "properties": {
    "code": {"type": "string"}, "message": {"type": "string"}}, "required": ["code", "message"]}}}
_ID_MAX = 2**31 - 1  # meeting.ids.MAX_ID (INTEGER columns): larger ids name no record (404), larger `after` is a 400
_MEETING_ID = {"name": "meeting_id", "in": "path", "required": True,
               "schema": {"type": "integer", "format": "int32", "minimum": 1, "maximum": _ID_MAX}}
_NOT_FOUND = {"description": "No such meeting, or one still in set-up (drafts are not public)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _json(schema_ref: str, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": schema_ref}}}}


def openapi_document(base_path: str) -> dict[str, Any]:
    """The document, with the server URL relative to where the API is mounted."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "Minkao 民考 public API", "version": "1.0.0",
                 "description": "Read-only public data of live evaluation meetings. Live updates and all "
                                "writes use Socket.IO: see docs/PROTOCOL.md."},
        "servers": [{"url": base_path}],
        "paths": {
            "/meetings": {"get": {"operationId": "listMeetings", "summary": "Live and closed meetings",
                                  "responses": {"200": _json("#/components/schemas/MeetingList", "Meetings")}}},
            "/meetings/{meeting_id}/state": {"get": {
                "operationId": "getState", "summary": "The public snapshot (what the viewer page shows)",
                "parameters": [_MEETING_ID],
                "responses": {"200": _json("#/components/schemas/State", "Snapshot"), "404": _NOT_FOUND}}},
            "/meetings/{meeting_id}/leaderboard": {"get": {
                "operationId": "getLeaderboard", "summary": "Revealed results, best first",
                "parameters": [_MEETING_ID],
                "responses": {"200": _json("#/components/schemas/Leaderboard", "Leaderboard"), "404": _NOT_FOUND}}},
            "/meetings/{meeting_id}/events": {"get": {
                "operationId": "listEvents", "summary": "The hash-chained event log",
                "parameters": [_MEETING_ID,
                               {"name": "after", "in": "query",
                                "schema": {"type": "integer", "format": "int32", "minimum": 0,
                                           "maximum": _ID_MAX, "default": 0}},
                               {"name": "limit", "in": "query",
                                "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 1000}}],
                "responses": {"200": _json("#/components/schemas/EventList", "Events"), "404": _NOT_FOUND,
                              "400": {"description": "Bad parameter",
                                      "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}}},
            "/openapi.json": {"get": {"operationId": "getOpenAPI", "summary": "This document",
                                      "responses": {"200": {"description": "OpenAPI document",
                                                            "content": {"application/json": {"schema": {"type": "object"}}}}}}},
        },
        "components": {"schemas": {
            "Error": _ERROR,
            "MeetingList": {"type": "object", "required": ["meetings"], "properties": {"meetings": {
                "type": "array", "items": {"type": "object", "required": ["id", "title", "status"], "properties": {
                    "id": {"type": "integer"}, "title": {"type": "string"}, "date": {"type": ["string", "null"]},
                    "venue": {"type": "string"}, "status": {"type": "string", "enum": ["live", "closed"]}}}}}},
            "State": {"type": "object", "required": ["seq", "meeting", "scene", "round", "leaderboard"],
                      "description": "See docs/PROTOCOL.md, `state` (public audience).",
                      "properties": {"seq": {"type": "integer"}, "meeting": {"type": "object"},
                                     "scene": {"type": "string"}, "round": {"type": ["object", "null"]},
                                     "leaderboard": {"type": "array"}, "rubric": {"type": "array"},
                                     "bands": {"type": "array"}, "entropy": {"type": ["object", "null"]}}},
            "Leaderboard": {"type": "object", "required": ["leaderboard"], "properties": {"leaderboard": {
                "type": "array", "items": {"type": "object", "properties": {
                    "round": {"type": "integer"}, "kind": {"type": "string"}, "who": {"type": "object"},
                    "final": {"type": "string", "description": "exact decimal as text"}, "band": {"type": ["object", "null"]}}}}}},
            "EventList": {"type": "object", "required": ["events"], "properties": {"events": {
                "type": "array", "items": {"type": "object",
                                           "required": ["seq", "type", "payload", "actor", "at", "prev_hash", "hash"],
                                           "properties": {"seq": {"type": "integer"}, "type": {"type": "string"},
                                                          "payload": {"type": "object"}, "actor": {"type": "string"},
                                                          "at": {"type": "string"}, "prev_hash": {"type": "string"},
                                                          "hash": {"type": "string"}}}}}},
        }},
    }
