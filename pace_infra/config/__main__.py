"""`python -m pace_infra.config`: validate every environment file."""

import sys

from pace_infra.config import main

sys.exit(main())
