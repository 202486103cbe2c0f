"""Staff pages of the ticket queue and its attachments."""
