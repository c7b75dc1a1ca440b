"""Formats that more than one part of an environment file uses."""

from __future__ import annotations

import re

EMAIL = re.compile(r"^[^@\s]+@[a-z0-9.-]+\.[a-z]{2,}$")
