"""The fifty-ninth held-out set: Python object-model loops (MRO, descriptors, __getattr__, slots) and look-alikes."""
