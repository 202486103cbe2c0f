"""QR images and printable posters of survey codes."""
