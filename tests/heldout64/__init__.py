"""The sixty-fourth held-out set: resource-lifetime loops and look-alike productive work spliced into real runs."""
