from __future__ import annotations

from regulator.cli.main import main

main()
