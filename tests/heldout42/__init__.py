"""The forty-second held-out set: exploration that never converges, and searches that end in a find."""
