"""The forty-first held-out set: the agent's own tools misfiring, spliced into real runs."""
