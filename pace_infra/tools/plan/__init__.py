"""Real plans: `make plan` (plan every stack of an environment against its real state and review
it) and `make apply-plan` (apply exactly those saved plans, stack by stack)."""
