"""Maintenance windows in the browser: list, calendar, form, window page, reschedule requests."""
