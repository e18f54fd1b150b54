"""Models of the accountability app: log (filled in by issue #8)."""
