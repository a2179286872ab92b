"""The thirty-ninth held-out set: numerics and dataframes."""
