"""The seventy-second held-out set: text diffs and whitespace loops and look-alikes spliced into real runs."""
