"""Follow-up of every response rated 'Bình thường' or below."""
