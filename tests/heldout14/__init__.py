"""The fourteenth held-out set: new loop families and hard negatives spliced into the dev set's real runs.

Real gemini-3-pro mini-swe-agent runs from /work/shared/traces/dev keep their own opening; a loop
tail replaces the rest (loops), or a productive episode is inserted after a normal command result
and the run then goes on as recorded (hard negatives). Built by `build.write`, frozen by checksum.
"""
