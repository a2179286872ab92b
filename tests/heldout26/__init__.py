"""The twenty-sixth held-out set: loops of the agent's own reasoning and process, frozen unmeasured."""
