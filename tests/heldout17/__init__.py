"""The seventeenth held-out set: loop families and productive episodes spliced into real gemini-3-pro runs.

Loops keep a real mini-swe-agent run's first 3–18 calls untouched and go on with a tail of a family
(regex tweaks, off-by-one, indentation wars, doctest drift, version downgrades, shell quoting, a
hallucinated API); productive sessions are real resolved runs, some with an episode inserted after a
command that returned plainly (a regex that converges, a doctest fixed, a version pinned, quoting fixed
once, tests added one at a time, an API found by looking). Frozen by checksum before any replay.
"""
