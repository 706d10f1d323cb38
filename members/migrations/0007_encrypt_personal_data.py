"""ID and mobile numbers encrypted at rest, ID numbers unique through a keyed hash.

The rows are converted with plain SQL (the historical model would already decrypt what it reads),
in both directions: forwards encrypts plain values and fills the hash, backwards decrypts them
with the configured keys and clears the hash. Values already encrypted are left alone, so a rerun
after an interrupted migration is harmless.
"""

from django.db import migrations

import cppcc.crypto
from cppcc import crypto
from members import idcard


def _rows(schema_editor, model):
    table = schema_editor.quote_name(model._meta.db_table)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT id, id_number, phone FROM {table}")
        return table, cursor.fetchall()


def encrypt_rows(apps, schema_editor):
    table, rows = _rows(schema_editor, apps.get_model("members", "Member"))
    with schema_editor.connection.cursor() as cursor:
        for pk, id_number, phone in rows:
            if id_number and not crypto.is_token(id_number):
                id_number = idcard.normalize(id_number)
                digest = crypto.lookup_hash(id_number)
                id_number = crypto.encrypt(id_number)
            elif id_number:
                digest = crypto.lookup_hash(crypto.decrypt(id_number))
            else:
                id_number, digest = None, None
            if phone and not crypto.is_token(phone):
                phone = crypto.encrypt(phone)
            cursor.execute(
                f"UPDATE {table} SET id_number = %s, id_number_hash = %s, phone = %s WHERE id = %s",
                [id_number, digest, phone or "", pk],
            )


def decrypt_rows(apps, schema_editor):
    table, rows = _rows(schema_editor, apps.get_model("members", "Member"))
    with schema_editor.connection.cursor() as cursor:
        for pk, id_number, phone in rows:
            id_number = crypto.decrypt(id_number) if crypto.is_token(id_number) else id_number
            phone = crypto.decrypt(phone) if crypto.is_token(phone) else phone
            cursor.execute(
                f"UPDATE {table} SET id_number = %s, id_number_hash = NULL, phone = %s WHERE id = %s",
                [id_number or None, phone or "", pk],
            )


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0006_activity_signup_and_awards"),
    ]

    operations = [
        migrations.AddField(
            model_name="member",
            name="id_number_hash",
            field=cppcc.crypto.KeyedHashField(
                blank=True,
                editable=False,
                max_length=64,
                null=True,
                source="id_number",
                verbose_name="身份证号码检索哈希",
            ),
        ),
        migrations.AlterField(
            model_name="member",
            name="id_number",
            field=cppcc.crypto.EncryptedCharField(blank=True, max_length=18, null=True, verbose_name="身份证号码"),
        ),
        migrations.AlterField(
            model_name="member",
            name="phone",
            field=cppcc.crypto.EncryptedCharField(blank=True, max_length=30, verbose_name="手机号码"),
        ),
        migrations.RunPython(encrypt_rows, decrypt_rows),
        migrations.AlterField(
            model_name="member",
            name="id_number_hash",
            field=cppcc.crypto.KeyedHashField(
                blank=True,
                editable=False,
                max_length=64,
                null=True,
                source="id_number",
                unique=True,
                verbose_name="身份证号码检索哈希",
            ),
        ),
    ]
