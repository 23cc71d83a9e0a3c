"""A database guard: a coded field holds a code of its own list.

The services refuse a code of another list with a Swedish message; this trigger keeps
bulk writers (imports, the demo, a data fix in the shell) from storing one anyway, since
the SCB file would then report a code from the wrong list. PostgreSQL only: the
development database on SQLite relies on the services.
"""

from django.db import migrations

GUARDED = {
    "youths_contact": [("occupation_id", "sysselsattning")],
    "actions_action": [("kind_id", "atgard"), ("occupation_after_id", "sysselsattning")],
    "youths_enrolment": [
        ("entry_reason_id", "orsak_registrering"),
        ("exit_reason_id", "orsak_upphort"),
    ],
}

FUNCTION = """
CREATE OR REPLACE FUNCTION kaa_code_in_list() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    i integer := 0;
    code_id bigint;
    found text;
BEGIN
    WHILE i < TG_NARGS LOOP
        code_id := (to_jsonb(NEW) ->> TG_ARGV[i])::bigint;
        IF code_id IS NOT NULL THEN
            SELECT list_name INTO found FROM kaa_code WHERE id = code_id;
            IF found IS DISTINCT FROM TG_ARGV[i + 1] THEN
                RAISE EXCEPTION '%.% must hold a code of list %, not of %',
                    TG_TABLE_NAME, TG_ARGV[i], TG_ARGV[i + 1], found
                    USING ERRCODE = 'check_violation';
            END IF;
        END IF;
        i := i + 2;
    END LOOP;
    RETURN NEW;
END
$$;
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)
    for table, pairs in GUARDED.items():
        columns = ", ".join(column for column, _list in pairs)
        arguments = ", ".join(f"'{column}', '{list_name}'" for column, list_name in pairs)
        schema_editor.execute(
            f"CREATE TRIGGER {table}_code_list BEFORE INSERT OR UPDATE OF {columns} "
            f"ON {table} FOR EACH ROW EXECUTE FUNCTION kaa_code_in_list({arguments})"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in GUARDED:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_code_list ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS kaa_code_in_list()")


class Migration(migrations.Migration):
    dependencies = [
        ("scb_export", "0001_initial"),
        ("youths", "0002_contact"),
        ("actions", "0001_initial"),
    ]
    operations = [migrations.RunPython(create, drop)]
