"""The twenty-second held-out set: environment-bound loop families and look-alike productive work spliced into real runs."""
