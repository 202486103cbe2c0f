"""The counter tablet (kiosk): device pairing, offline queue and sync endpoint."""
