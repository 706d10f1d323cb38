"""The proposer's contact phone encrypted at rest (as the members' phones, members 0007).

Rows are converted with plain SQL in both directions; values already encrypted are left alone, so a
rerun after an interruption is harmless.
"""

from django.db import migrations

import cppcc.crypto
from cppcc import crypto


def _convert(schema_editor, forwards: bool):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT id, contact_phone FROM proposals_proposal WHERE contact_phone <> ''")
        rows = cursor.fetchall()
        for pk, phone in rows:
            if forwards and not crypto.is_token(phone):
                phone = crypto.encrypt(phone)
            elif not forwards and crypto.is_token(phone):
                phone = crypto.decrypt(phone)
            else:
                continue
            cursor.execute("UPDATE proposals_proposal SET contact_phone = %s WHERE id = %s", [phone, pk])


def encrypt_rows(apps, schema_editor):
    _convert(schema_editor, forwards=True)


def decrypt_rows(apps, schema_editor):
    _convert(schema_editor, forwards=False)


class Migration(migrations.Migration):
    dependencies = [
        ("proposals", "0004_covering_period_indexes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="proposal",
            name="contact_phone",
            field=cppcc.crypto.EncryptedCharField(blank=True, max_length=30, verbose_name="联系电话"),
        ),
        migrations.RunPython(encrypt_rows, decrypt_rows),
    ]
