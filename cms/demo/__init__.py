"""The demo portal built by ``cms demo``."""

from __future__ import annotations


def build_demo() -> str:
    """Create the demo content; returns a summary, or '' when the site already had content."""
    return ""
