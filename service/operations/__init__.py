"""Operations: the verbs of the service (load_demo, application_from_interchange …).

They take plain data and an explicit session, call the domain rules and the models, flush and
never commit: the entry point (request, CLI command, job item) commits once.
"""
