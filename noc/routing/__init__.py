"""Prefix tracking: parsing and sanity of prefixes, route origin validation (RFC 6811),
VRP sources and snapshots, IRR data, requests and their revalidation."""
