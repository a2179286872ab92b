"""The thirty-third held-out set: loops of fighting tooling, editing the wrong code and polishing, frozen unmeasured."""
