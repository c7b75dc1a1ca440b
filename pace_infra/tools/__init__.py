"""Tools a person or CI runs beside the app (documentation generators and the like)."""
