"""The fifty-third held-out set: escaping, sanitising and input-validation loops spliced into real runs."""
