"""Reports people download: generated Excel reports (registry, immutable files) and Superset downloads."""
