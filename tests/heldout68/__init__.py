"""The sixty-eighth held-out set: machine-learning code in a library (shapes, NaN, seeds, dtypes, modes, gradients)."""
