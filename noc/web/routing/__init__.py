"""Prefix tracking in the browser: requests, decisions and the routing data sources."""
