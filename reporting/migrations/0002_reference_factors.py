from django.db import migrations

from reporting import reference


def create(apps, schema_editor):
    reference.load(apps)


class Migration(migrations.Migration):
    dependencies = [("reporting", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
