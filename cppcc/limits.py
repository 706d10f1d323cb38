"""Bounds on what a request may write.

Every TextField of the models carries `max_length=TEXT_MAX_LENGTH`: the database column stays TEXT,
but the forms and the DRF ModelSerializers built from the model inherit the bound, and the explicit
serializer and form fields for long texts (reasons, notes, replies) use the same figure. 20,000
characters is some ten pages of Chinese text — more than any 案由, 答复 or 理由 needs, far less than
the 5 MB a request could otherwise put into a row, an event note, every export and every page.
(tests/security/test_write_bounds.py walks every writable field.)
"""

TEXT_MAX_LENGTH = 20_000
