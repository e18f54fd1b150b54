"""Models of the accountability app: cases (filled in by issue #8)."""
