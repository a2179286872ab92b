"""The sixty-first held-out set: import and plugin loops and look-alike productive work spliced into real runs."""
