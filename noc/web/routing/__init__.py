"""Prefix tracking in the browser: requests, decisions and the routing data sources."""
from flask import current_app

from noc.routing.settings import RoutingSettings


def settings():
    """The routing settings the commands take, from this app's configuration."""
    return RoutingSettings.of(current_app.config['NOC'])


def form_errors(refused):
    """A Refused as the forms show it: ({field: text}, [(line, its text, message)])."""
    texts = getattr(refused, 'texts', {})
    return ({field: str(text) for field, text in refused.errors.items()},
            [(line, texts.get(line, ''), str(message)) for line, _, message in refused.lines])
