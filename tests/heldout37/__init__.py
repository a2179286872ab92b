"""The thirty-seventh held-out set: docs and packaging loops spliced into real runs."""
