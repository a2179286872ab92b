"""Trace files (the format agents' calls are recorded in) and their replay through the policy."""

from __future__ import annotations
