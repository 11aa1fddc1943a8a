"""Prefix tracking in the browser: requests, decisions and the routing data sources."""
from flask import current_app

from noc.routing.settings import RoutingSettings


def settings():
    """The routing settings the commands take, from this app's configuration."""
    return RoutingSettings.of(current_app.config['NOC'])
