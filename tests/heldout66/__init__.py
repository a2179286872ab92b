"""The sixty-sixth held-out set: plotting and image-output loops and look-alike productive work in real runs."""
