"""The seventy-first held-out set: schema-migration loops and look-alike productive work spliced into Django runs."""
