"""Words and order for people: labels of stored values, dates in the administration's form, ticket
history in words, Vietnamese collation."""
