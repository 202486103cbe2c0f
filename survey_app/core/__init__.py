"""App plumbing: settings, extensions, errors, security headers, limits, locale, paths, mail,
gunicorn settings."""
