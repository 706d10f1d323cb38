"""Moved to cppcc/uploads.py (the one validation of stored files). Kept only for
supervision/opinion_services.py until the social opinions adopt `cppcc.models.StoredFile`."""

from cppcc.uploads import ALLOWED, clean_name, validate

__all__ = ["ALLOWED", "clean_name", "validate"]
