"""Deploy units, in dependency order; each environment gets one stack per unit: `<env>-<unit>`.

Kept apart from app.py so that tools (the Makefile's deploy) can list them without loading the
provider bindings.
"""

UNITS: tuple[str, ...] = ("bootstrap", "network", "gke", "databases", "cicd", "edge", "platform")
