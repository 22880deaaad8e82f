"""Scheduled jobs: one module per job (``reminders``, ``year_end_review``, ``publish``,
``refresh_published``, ``evaluation``, ``deliver``, ``checkpoint``), each a plain
``run(db, as_of, dry_run, ctx) -> summary``; ``runner`` runs one by name under its lock,
``scheduler`` runs them all on their schedules.

They act as named system actors (``workflow.scope.Actor.system``) through the same service
functions as the command line (``workflow.items.transition`` inside their own transactions).
"""
