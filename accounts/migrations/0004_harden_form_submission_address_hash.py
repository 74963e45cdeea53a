"""Public-form submissions keep a keyed hash of the address, never the address. The rows of
the last hour held raw addresses: they are deleted (each address's count starts afresh once)."""

from django.db import migrations, models


def forget_raw_addresses(apps, schema_editor):
    apps.get_model("accounts", "FormSubmission").objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_public_form_submission'),
    ]

    operations = [
        migrations.RunPython(forget_raw_addresses, migrations.RunPython.noop),
        migrations.RemoveIndex(
            model_name='formsubmission',
            name='accounts_fo_form_edbbf7_idx',
        ),
        migrations.RemoveField(
            model_name='formsubmission',
            name='address',
        ),
        migrations.AddField(
            model_name='formsubmission',
            name='address_hash',
            field=models.CharField(default='', max_length=64, verbose_name='address (keyed hash)'),
            preserve_default=False,
        ),
        migrations.AddIndex(
            model_name='formsubmission',
            index=models.Index(fields=['form', 'address_hash', 'submitted_at'], name='accounts_fo_form_e2af00_idx'),
        ),
    ]
