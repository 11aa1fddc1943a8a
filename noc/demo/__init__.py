"""The demo operator `make run` opens on: inventory, maintenance and prefix tracking."""
