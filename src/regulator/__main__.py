from __future__ import annotations

from regulator.cli.main import main

# Guarded: replay's worker processes import the parent's __main__ and must not run the CLI again.
if __name__ == "__main__":
    main()
