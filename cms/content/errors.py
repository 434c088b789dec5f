"""The error content services raise for bad input."""

from __future__ import annotations


class ContentError(ValueError):
    """Input that cannot be stored; ``errors`` maps each field to a translated message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        #: Field name -> message in the user's language.
        self.errors = errors
