from __future__ import annotations

PAGE_SIZE = 25
