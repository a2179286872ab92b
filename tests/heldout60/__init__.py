"""The sixtieth held-out set: regex and hand-written tokenizer/parser loops and look-alike productive work."""
