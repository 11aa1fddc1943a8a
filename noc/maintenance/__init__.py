"""Maintenance windows: scope, rules, lifecycle and the notices they cause."""
