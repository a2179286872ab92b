"""The nineteenth held-out set: new loop families and productive episodes spliced into real gemini-3-pro runs."""
