"""The monthly report: contents, text, PDF, XLSX, exports and stored files."""
