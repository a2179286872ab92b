"""The sixty-second held-out set: static typing loops and look-alike productive work spliced into real runs."""
