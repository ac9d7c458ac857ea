"""error-handling: outbound calls that fail in production."""
