"""RPKI: VRP sets from validators, their snapshots, and route origin validation (RFC 6811)."""
