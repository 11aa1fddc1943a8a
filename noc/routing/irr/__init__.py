"""The IRR: RPSL dumps, IRRd's query language, route objects and AS-SETs."""
