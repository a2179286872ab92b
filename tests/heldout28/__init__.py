"""The twenty-eighth held-out set: long cycles of steps that come round again, frozen unmeasured."""
