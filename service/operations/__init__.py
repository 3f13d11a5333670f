"""Operations: the use cases of the service (issue_notice, move_application, purge_files …).

A use case that changes something takes the unit of work first – ``verb_noun(uow, …, *, …)``
(service/uow.py) – and reads the session, store, PDF port, localizer, clock and actor from it;
so does one that renders or needs "today" or the language. It flushes, never commits: the
entry point (request, CLI command, batch item) commits once (docs/decisions.md, "Die
Schichten von Förderwerk").

Three kinds take a plain ``Session`` instead, each saying so in its docstring:

* read models for the pages and commands (``list_applications``, ``job_progress`` …): they
  only query;
* building blocks that use cases share and pass ``uow.session`` to (``allocate_notice_number``,
  ``application_from_interchange``, ``prepare_record``);
* what runs where no unit of work exists: the signed-in account's lookup that the request's
  unit of work is built from (``staff.session_user``), the outbox's preparers
  (``outgoing.PREPARERS``, called in the sender's transaction) and the demo loader, which also
  fills the test suite's template databases without an app. Backup and restore take the
  configuration: they work on the whole database, beside any transaction.
"""
