"""Infrastructure every layer uses: settings, the database, language and time zone,
the audit log, prepared reads, text hygiene, Flask extensions."""
