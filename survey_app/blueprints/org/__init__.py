"""Staff pages of units, counters and officers."""
