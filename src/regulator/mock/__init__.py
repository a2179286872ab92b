"""The mock provider: a real HTTP server that speaks the providers' dialects, for tests, the demo and benchmarks."""

from __future__ import annotations
