"""Reference data: the city's areas and the sectors (registry/reference.py)."""

from django.db import migrations

from registry import reference


def create(apps, schema_editor):
    reference.load(apps.get_model("registry", "Area"), apps.get_model("registry", "Sector"))


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
