"""`python -m pace_infra.toolchain` (`make providers`): build or find the CLI and providers."""

import sys

from pace_infra.toolchain.setup import main

if __name__ == "__main__":
    sys.exit(main())
