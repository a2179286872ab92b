"""The twenty-seventh held-out set: loops against an environment the agent cannot fix, frozen unmeasured."""
