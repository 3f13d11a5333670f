"""Adapters: the service's ways to the world outside the database (mail, the upload sandbox,
backups). Operations use them; they use models and the domain, never an operation or a view.
"""
