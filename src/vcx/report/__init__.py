"""Stage 7: pure functions from a scan result to an output format."""
