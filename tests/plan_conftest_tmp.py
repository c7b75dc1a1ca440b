"""The real toolchain (CLI and providers) for the tests that run it: built or found once."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def toolchain():
    from pace_infra.toolchain.setup import prepare

    return prepare()
