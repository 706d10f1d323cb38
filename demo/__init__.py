"""The demo committee: `manage.py seed_demo` builds it through every app's services. This app depends on
the others; no app imports it."""
