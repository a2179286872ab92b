"""The fiftieth held-out set: reproduction scripts that never settle, spliced into real runs."""
