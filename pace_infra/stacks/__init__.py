"""One module per deploy unit: read config, compose constructs, wire handles."""
