"""The thirty-fourth held-out set: failures that will not reproduce and red herrings chased, frozen unmeasured."""
