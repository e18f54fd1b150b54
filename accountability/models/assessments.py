"""Models of the accountability app: assessments (filled in by issue #8)."""
