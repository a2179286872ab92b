"""The tenth held-out set: new loop families and hard negatives spliced into real gemini-3-pro runs.

Built from the dev set's real mini-swe-agent runs (their prefixes, envelopes, usage and pacing) by
someone who read neither the detectors, the policy nor the other held-out sets; frozen unmeasured.
"""
