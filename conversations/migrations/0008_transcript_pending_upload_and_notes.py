import django.db.models.deletion
from django.db import migrations, models


def not_yet_confirmed_to_pending(apps, schema_editor):
    # An upload whose sellers were never chosen was never the conversation's transcript.
    Transcript = apps.get_model("conversations", "Transcript")
    for transcript in Transcript.objects.filter(analysed_at__isnull=True):
        transcript.pending_for_id, transcript.conversation_id = transcript.conversation_id, None
        transcript.save(update_fields=["pending_for", "conversation"])


def pending_back(apps, schema_editor):
    Transcript = apps.get_model("conversations", "Transcript")
    in_use = Transcript.objects.filter(conversation__isnull=False).values("conversation_id")
    # One transcript per conversation before this migration: the one in use stays.
    Transcript.objects.filter(pending_for__in=in_use).delete()
    for transcript in Transcript.objects.filter(pending_for__isnull=False):
        transcript.conversation_id, transcript.pending_for_id = transcript.pending_for_id, None
        transcript.save(update_fields=["pending_for", "conversation"])


class Migration(migrations.Migration):

    dependencies = [
        ('conversations', '0007_person_deletion_takes_everything'),
    ]

    operations = [
        migrations.AddField(
            model_name='transcript',
            name='notes',
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name='transcript',
            name='pending_for',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='pending_transcript', to='conversations.conversation'),
        ),
        migrations.AlterField(
            model_name='transcript',
            name='conversation',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='transcript', to='conversations.conversation'),
        ),
        migrations.RunPython(not_yet_confirmed_to_pending, pending_back),
    ]
