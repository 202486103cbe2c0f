"""The organisation: units, counters, officers, their photos, the organisation CSV import."""
