"""Every read of the database: small named get_/list_/count_ functions."""
