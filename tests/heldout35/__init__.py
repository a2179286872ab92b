"""The thirty-fifth held-out set: resources and scale, limits an agent cannot lift and episodes around them."""
