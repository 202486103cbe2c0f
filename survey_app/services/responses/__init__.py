"""Responses: submitting, the interchange CSV (rows, import, export), spam marks."""
