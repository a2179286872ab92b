"""The thirtieth held-out set: loops of waiting, tooling and measuring that get nowhere, frozen unmeasured."""
