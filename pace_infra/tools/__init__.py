"""The tools people and pipelines run around the app: the CLI behind `make synth`, review, plan
and apply, the real-provider toolchain, deploy order, CI credentials, bench, the config reference.
Apart from the app code (config, names, constructs, stacks, monitoring) that describes the
platform."""

from __future__ import annotations

from pathlib import Path

# The repository's root: tools read and write beside it (cdktf.out, plans, the tool cache).
REPO = Path(__file__).resolve().parents[2]
