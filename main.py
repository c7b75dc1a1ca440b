"""The cdktf app (cdktf.json runs it): load environments, build one App, synthesize it."""

import sys

from pace_infra.cli import main

if __name__ == "__main__":
    sys.exit(main())
