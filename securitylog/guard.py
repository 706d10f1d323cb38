"""The database guard (PostgreSQL only): the audit tables are append-only within the retention.

`securitylog_securityevent`: every UPDATE is refused; DELETE only of rows older than the retention.
`auditlog_logentry` (django-auditlog's change log): DELETE likewise; UPDATE is refused except the one
django-auditlog itself makes — setting `actor_id` to NULL when a user is deleted (`on_delete=SET_NULL`),
with every other column unchanged (the entry keeps `actor_email`, so who acted is not lost).

The retention is a trigger argument, written from `AUDIT_RETENTION_DAYS` by the migration and again
after every `migrate`, so raising the setting raises the guard; the SQL never goes below 183 days
whatever the argument says. TRUNCATE is not guarded (Django's test flush uses it); in production the
application's database role should not own the tables (see docs/security-audit.md).
"""

from django.conf import settings

from .apps import LEGAL_MINIMUM_DAYS

FUNCTION = """
CREATE OR REPLACE FUNCTION securitylog_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    keep interval := make_interval(days => GREATEST({floor}, TG_ARGV[0]::int));
    written timestamptz;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF TG_ARGV[2] <> '' AND (to_jsonb(NEW) ->> TG_ARGV[2]) IS NULL
           AND (to_jsonb(NEW) - TG_ARGV[2]) = (to_jsonb(OLD) - TG_ARGV[2]) THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION '审计日志不可修改 (%: UPDATE refused)', TG_TABLE_NAME USING ERRCODE = '42501';
    END IF;
    written := (to_jsonb(OLD) ->> TG_ARGV[1])::timestamptz;
    IF written > clock_timestamp() - keep THEN
        RAISE EXCEPTION '审计日志保存期内不可删除 (%: DELETE of a row younger than % refused)', TG_TABLE_NAME, keep
            USING ERRCODE = '42501';
    END IF;
    RETURN OLD;
END;
$$;
"""

# table, time column, the one column that may be set to NULL ('' = none)
TABLES = (
    ("securitylog_securityevent", "at", ""),
    ("auditlog_logentry", "timestamp", "actor_id"),
)


def retention_days() -> int:
    return max(LEGAL_MINIMUM_DAYS, int(getattr(settings, "AUDIT_RETENTION_DAYS", LEGAL_MINIMUM_DAYS)))


def install(connection, days: int | None = None) -> bool:
    """(Re)install the function and triggers; returns False on databases other than PostgreSQL."""
    if connection.vendor != "postgresql":
        return False
    days = retention_days() if days is None else days
    with connection.cursor() as cursor:
        cursor.execute(FUNCTION.replace("{floor}", str(LEGAL_MINIMUM_DAYS)))
        for table, column, nullable in TABLES:
            trigger = f"{table}_append_only"
            cursor.execute(f'DROP TRIGGER IF EXISTS "{trigger}" ON "{table}"')
            cursor.execute(
                f'CREATE TRIGGER "{trigger}" BEFORE UPDATE OR DELETE ON "{table}" FOR EACH ROW '
                f"EXECUTE FUNCTION securitylog_append_only('{int(days)}', '{column}', '{nullable}')"
            )
    return True


def uninstall(connection) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table, _column, _nullable in TABLES:
            cursor.execute(f'DROP TRIGGER IF EXISTS "{table}_append_only" ON "{table}"')
        cursor.execute("DROP FUNCTION IF EXISTS securitylog_append_only()")


def refresh_after_migrate(sender, using="default", plan=None, **kwargs):
    """After `migrate`, bring the guard's retention in line with the current setting."""
    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    applied = MigrationRecorder(connection).applied_migrations()
    if ("securitylog", "0002_append_only_guard") in applied:
        install(connection)
