"""The fifty-fourth held-out set: performance assertions — counted queries, calls, time, memory and cache hits."""
