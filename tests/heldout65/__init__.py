"""The sixty-fifth held-out set: configuration and settings loops and look-alike productive work in real runs."""
