"""The thirty-sixth held-out set: version control gone round in circles, frozen unmeasured."""
