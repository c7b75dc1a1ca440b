"""One construct per system. Named `pace_infra.constructs` (not a top-level `constructs`) because
a top-level package of that name would shadow the `constructs` library cdktf imports."""
