"""Celery tasks of the verdict: thin wrappers around the services, each safe to run twice."""
