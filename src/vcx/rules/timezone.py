"""timezone: server-local or naive time where UTC/aware time is needed."""
