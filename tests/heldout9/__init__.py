"""HELDOUT9: real gemini-3-pro mini-swe-agent runs from the dev traces with new loop families and
hard negatives spliced into them, frozen by checksum before anyone measured detection on it."""
