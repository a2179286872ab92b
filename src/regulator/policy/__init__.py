"""policy"""

from __future__ import annotations
