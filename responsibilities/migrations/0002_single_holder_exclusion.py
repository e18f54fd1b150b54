"""PostgreSQL: at most one 第一责任人 and one 领导小组组长 per organization on any date.

An exclusion constraint over the inclusive date range [start_date, end_date]
(open-ended when end_date is NULL). SQLite has no such constraint; there the
service `role_assign` checks for overlaps inside a transaction.
"""

from django.db import migrations

CONSTRAINT = "role_assignment_single_holder_no_overlap"
TABLE = "responsibilities_roleassignment"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    schema_editor.execute(
        f"""
        ALTER TABLE {TABLE} ADD CONSTRAINT {CONSTRAINT}
        EXCLUDE USING gist (
            organization_id WITH =,
            role WITH =,
            daterange(start_date, end_date, '[]') WITH &&
        ) WHERE (role IN ('secretary', 'group_head'))
        """
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE {TABLE} DROP CONSTRAINT IF EXISTS {CONSTRAINT}")


class Migration(migrations.Migration):
    dependencies = [("responsibilities", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
