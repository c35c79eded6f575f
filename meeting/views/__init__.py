"""Blueprints by audience: admin, console, juror, screens, api, telephony webhooks; create_app registers each."""
