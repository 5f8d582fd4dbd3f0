from __future__ import annotations

import django.db.models.deletion
from django.db import migrations, models

# The indexes Django made for the two foreign keys (its names: the same on every database).
# Dropped by name: altering the fields instead would make Django drop and re-add both
# foreign keys, checking every line again while writes to the timeline wait.
SINGLE_COLUMN_INDEXES = [
    ("conversations_talksegment_conversation_id_184c062f", "conversation_id"),
    ("conversations_talksegment_pain_point_id_9705148d", "pain_point_id"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("conversations", "0017_figures_stamps"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="talksegment",
                    name="conversation",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="segments",
                        to="conversations.conversation",
                    ),
                ),
                migrations.AlterField(
                    model_name="talksegment",
                    name="pain_point",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        help_text="The pain point this customer line was marked as.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="segments",
                        to="conversations.painpoint",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    sql=f'DROP INDEX IF EXISTS "{name}"',
                    reverse_sql=(
                        f'CREATE INDEX "{name}" ON "conversations_talksegment" ("{column}")'
                    ),
                )
                for name, column in SINGLE_COLUMN_INDEXES
            ],
        ),
        migrations.AddIndex(
            model_name="talksegment",
            index=models.Index(
                condition=models.Q(("pain_point__isnull", False)),
                fields=["pain_point"],
                name="talksegment_marked_pain",
            ),
        ),
    ]
