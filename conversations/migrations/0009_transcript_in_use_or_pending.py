from django.db import migrations, models

# Its own migration: on PostgreSQL a table cannot be altered in the transaction that
# just moved its rows (deferred foreign-key checks are still pending).


class Migration(migrations.Migration):
    dependencies = [
        ("conversations", "0008_transcript_pending_upload_and_notes"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='transcript',
            constraint=models.CheckConstraint(condition=models.Q(('conversation__isnull', True), ('pending_for__isnull', True), _connector='XOR'), name='transcript_in_use_or_pending'),
        ),
    ]
