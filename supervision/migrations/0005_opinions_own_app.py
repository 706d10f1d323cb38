"""The social-opinion models moved to the `opinions` app (opinions/migrations/0001_initial.py).

State only: the tables stay where they are (the new models name them in `db_table`), so nothing in
the database changes here. Children are dropped from the state before the models they point at.
"""

from django.db import migrations

MOVED = (
    "OpinionAdoption",
    "OpinionAttachment",
    "OpinionAuthor",
    "OpinionEvent",
    "OpinionInstruction",
    "OpinionReferral",
    "OpinionReport",
    "OpinionCategory",
)


class Migration(migrations.Migration):
    dependencies = [("supervision", "0004_text_max_length")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name=name) for name in MOVED],
            database_operations=[],
        )
    ]
