"""What the catalog and filter tests share: a resolver for cdktf tokens, with no synth.

`format()` filters and SLO burn-rate selectors are cdktf tokens until they are resolved; one
stack (cdktf core only, no provider bindings) resolves them to the text Terraform receives.
"""

from __future__ import annotations

from collections.abc import Callable

import cdktf
import pytest


@pytest.fixture(scope="session")
def token_stack() -> cdktf.TerraformStack:
    return cdktf.TerraformStack(cdktf.Testing.app(), "tokens")


@pytest.fixture(scope="session")
def resolve(token_stack) -> Callable[[str], str]:
    """A string as Terraform JSON would hold it: `${format("k=%q", "v", var.x)}` for a token."""

    def resolve(value: str) -> str:
        return cdktf.Tokenization.resolve(
            value,
            scope=token_stack,
            preparing=False,
            resolver=cdktf.DefaultTokenResolver(cdktf.StringConcat()),
        )

    return resolve
