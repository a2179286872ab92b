"""The fifty-eighth held-out set: traversal loops and look-alike productive work spliced into real runs."""
