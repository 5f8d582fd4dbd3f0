"""Every install starts with the starter exercise library (see reflections/library.py)."""

from django.db import migrations


def install(apps, schema_editor):
    from reflections.library import install_starter_library

    install_starter_library(apps.get_model("reflections", "Exercise"))


class Migration(migrations.Migration):

    dependencies = [
        ("reflections", "0001_exercises_assignments_reflections"),
    ]

    operations = [
        # Going back leaves the exercises: a trainer may have assigned them by then.
        migrations.RunPython(install, migrations.RunPython.noop),
    ]
