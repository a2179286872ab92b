"""The forty-sixth held-out set: date, time and zone loops and look-alike productive work spliced into real runs."""
