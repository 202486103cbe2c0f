"""Tickets (a citizen's phản ánh, kiến nghị): filing, handling, mail, rating, reminders, contact
retention."""
