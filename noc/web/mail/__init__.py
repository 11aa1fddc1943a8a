"""Mail as the NOC reads it: the outbox, the local capture and received mail."""
