"""Scheduled jobs: reminders, year-end review, publish, evaluation, delivery, the scheduler.

They act as named system actors (``workflow.scope.Actor.system``) through the same service
functions as the command line (``workflow.items.transition`` inside their own transactions).
"""
