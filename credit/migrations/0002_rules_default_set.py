from django.db import migrations


def load(apps, schema_editor):
    from credit import reference

    reference.load(apps.get_model("credit", "RuleSet"), apps.get_model("credit", "RuleLine"),
                   apps.get_model("credit", "GroupCap"))


class Migration(migrations.Migration):
    dependencies = [("credit", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
