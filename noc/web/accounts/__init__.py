"""Logging in, preferences, users, the audit log and API tokens in the browser."""
