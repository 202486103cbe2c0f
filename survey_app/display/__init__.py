"""Words and order for people: labels of stored values, dates in the administration's form,
figures rounded alike everywhere, ticket history in words, Vietnamese collation."""
