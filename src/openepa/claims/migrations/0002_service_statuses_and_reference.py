"""Claim statuses named as the assessment service names them, and the certificate reference.

A status needs up to 20 characters ("sent_to_printer"); address line 3 up to 210, to take a
former fourth line (0003).
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("claims", "0001_initial")]

    operations = [
        migrations.AlterField(
            model_name="certificateclaim",
            name="status",
            field=models.CharField(
                choices=[
                    ("draft", "Draft"),
                    ("ready", "Ready"),
                    ("submitted", "Submitted"),
                    ("sent_to_printer", "Sent to printer"),
                    ("printed", "Printed"),
                    ("delivered", "Delivered"),
                    ("not_delivered", "Delivery attempted"),
                ],
                default="draft",
                max_length=20,
            ),
        ),
        migrations.AddField(
            model_name="certificateclaim",
            name="certificate_reference",
            field=models.CharField(
                blank=True,
                help_text="The reference the assessment service gave the certificate.",
                max_length=20,
            ),
        ),
        migrations.AlterField(
            model_name="certificateclaim",
            name="address_line_3",
            field=models.CharField(blank=True, max_length=210),
        ),
        migrations.AlterField(
            model_name="certificateclaim",
            name="standard_code",
            field=models.PositiveSmallIntegerField(
                blank=True,
                help_text="The standard's LARS code when the claim was drafted or last marked "
                "ready; the code checked and sent is always the standard's own.",
                null=True,
                verbose_name="standard code (LARS)",
            ),
        ),
        migrations.AlterField(
            model_name="certificateclaim",
            name="option",
            field=models.CharField(blank=True, max_length=100, verbose_name="course option"),
        ),
    ]
