"""Backup and restore adapters: :mod:`.sqlite`, :mod:`.postgres` (the database), :mod:`.manifest`
(the folder, its checksums, the stores' files), :mod:`.common` (errors, engines). The use cases
``create_backup`` and ``restore_backup`` are in service/operations/backup.py.

Nothing is imported here, so that importing one of them does not import the others.
"""
