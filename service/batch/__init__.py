"""Running batch jobs: one item step (work.py) driven by a process pool on this machine
(local.py), by Celery workers on several (tasks.py), or by a thread of the web process
(thread.py); a terminal progress bar (progress.py)."""
