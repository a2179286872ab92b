"""The fifty-sixth held-out set: internationalisation loops spliced into real runs."""
