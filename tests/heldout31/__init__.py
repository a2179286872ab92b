"""The thirty-first held-out set: loops against credentials and access the sandbox will not grant, frozen unmeasured."""
