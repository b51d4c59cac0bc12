"""Superset BI layer: configuration, server commands, dashboards-as-code bundles, reseller RLS."""
