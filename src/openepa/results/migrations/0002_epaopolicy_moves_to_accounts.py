"""The EPAO's policy moves to accounts (an EPAO's settings, read below results).

Only Django's idea of where the model lives changes: the table keeps its name and rows.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("results", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="EpaoPolicy")],
            database_operations=[],
        ),
    ]
