"""The twenty-fifth held-out set: seven more loop families and their resolved look-alikes, spliced into real runs."""
