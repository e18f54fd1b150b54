"""Seed the 追责情形 and 问责措施 from accountability.catalogue (accountability.cases.seed.load_catalogue)."""

from django.db import migrations


def load(apps, schema_editor):
    from accountability.cases.seed import load_catalogue

    load_catalogue(apps.get_model("accountability", "Circumstance"), apps.get_model("accountability", "Measure"))


class Migration(migrations.Migration):
    dependencies = [("accountability", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
