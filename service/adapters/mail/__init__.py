"""E-mail, one way down: :mod:`.sender` (the background thread) → :mod:`.outbox` (the queue in
the database, delivered after the commit) → :mod:`.transport` (SMTP, a folder, memory).

Nothing is imported here, so that importing one of them does not import the others.
"""
