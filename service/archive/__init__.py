"""The document archive: content-addressed storage (folder or database) and the
register of every rendered document (versions, hashes, transfers)."""
