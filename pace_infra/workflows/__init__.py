"""Cloud Workflows sources (YAML) and their loader."""
