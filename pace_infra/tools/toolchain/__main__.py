"""`python -m pace_infra.tools.toolchain` (`make providers`): build or find CLI and providers."""

import sys

from pace_infra.tools.toolchain.setup import main

if __name__ == "__main__":
    sys.exit(main())
