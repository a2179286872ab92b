"""The twenty-fourth held-out set: loops over brittle runtime details, and look-alike work that resolves them."""
