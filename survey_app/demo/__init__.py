"""The demo's loaders: a province with two communes, staff accounts, tickets, a year of
responses."""
