"""The twenty-third held-out set: new loop families and look-alike productive work spliced into real runs."""
