"""The monitoring vocabulary and what turns it into resources.

filters and model (plain values), the alert, dashboard and signal catalogs built from them, and
the constructs (alerting, dashboards, service_levels, signals) that create the resources.
"""
