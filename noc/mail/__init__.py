"""Mail: composing notices, the outbox, delivery."""
