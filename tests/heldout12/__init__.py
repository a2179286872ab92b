"""The twelfth held-out set: new loop families and hard negatives spliced into real gemini-3-pro runs.

Written from a description of the hidden set (real mini-swe-agent SWE-bench runs plus loop families
and hard negatives unlike the dev set's) by someone who read neither the detectors, the policy nor
the other held-out sets; frozen by checksum before anyone measured detection on it.
"""
