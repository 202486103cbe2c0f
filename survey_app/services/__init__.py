"""Writes: one user action is one function here and one commit."""
