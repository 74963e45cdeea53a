from django.db import migrations


def load(apps, schema_editor):
    from oversight import reference

    reference.load_penalty_ranges(apps.get_model("oversight", "PenaltyRange"))


class Migration(migrations.Migration):
    dependencies = [("oversight", "0003_violation_cases")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
