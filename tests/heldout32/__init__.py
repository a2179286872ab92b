"""The thirty-second held-out set: long cycles of edits, tests, reverts and plans that never converge, frozen."""
