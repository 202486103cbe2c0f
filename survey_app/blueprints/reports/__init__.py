"""Staff pages of monthly figures and report downloads."""
