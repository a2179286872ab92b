"""The twenty-ninth held-out set: loops that spend money on quality work that never converges, frozen unmeasured."""
