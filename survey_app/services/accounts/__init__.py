"""Staff accounts: creating and changing them, passwords and their strength, one-time activation
and reset links, single sign-on, the accounts CSV import."""
