"""Aggregation, evaluations and exports; no request objects here."""
