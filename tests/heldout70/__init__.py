"""The seventieth held-out set: networking loops and look-alike productive work spliced into real runs."""
