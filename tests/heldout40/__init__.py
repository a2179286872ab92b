"""The fortieth held-out set: concurrency, process and asyncio loops spliced into real runs."""
