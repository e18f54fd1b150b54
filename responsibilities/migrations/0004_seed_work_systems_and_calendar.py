"""Load the default work systems (DOMAIN.md §4) and China's holidays/调休 days from chinese-calendar."""

from django.db import migrations


def forwards(apps, schema_editor):
    from responsibilities.defaults import load_work_calendar, load_work_systems

    load_work_systems(apps.get_model("responsibilities", "WorkSystem"))
    load_work_calendar(apps.get_model("responsibilities", "WorkCalendarDay"))


class Migration(migrations.Migration):
    dependencies = [("responsibilities", "0003_work_systems_obligations")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
