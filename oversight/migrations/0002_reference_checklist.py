from django.db import migrations


def load(apps, schema_editor):
    from oversight import reference

    reference.load(apps.get_model("oversight", "ChecklistItem"))


class Migration(migrations.Migration):
    dependencies = [("oversight", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
