"""Background jobs: a registry of job kinds, a runner that starts them, and the worker that runs them.

Job code (a handler) runs in a worker process and talks to the world only through its `JobContext` and
the database, so the local runner and a distributed runner can run it unchanged.
"""
