"""Inventory pages: customers, contacts, circuits, sites and segments."""
