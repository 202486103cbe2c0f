"""WTForms classes and validators; no database writes here."""
