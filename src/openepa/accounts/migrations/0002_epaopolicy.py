"""The EPAO's policy, moved here from results: the table ``results_epaopolicy`` stays as it is."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("results", "0002_epaopolicy_moves_to_accounts"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="EpaoPolicy",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "sample_first_decisions",
                            models.PositiveSmallIntegerField(
                                default=5,
                                verbose_name="sample every decision among each assessor's first",
                            ),
                        ),
                        (
                            "sample_all_fails",
                            models.BooleanField(default=True, verbose_name="sample every fail"),
                        ),
                        (
                            "sample_all_distinctions",
                            models.BooleanField(
                                default=True, verbose_name="sample every distinction"
                            ),
                        ),
                        (
                            "sample_percent_of_rest",
                            models.PositiveSmallIntegerField(
                                default=10,
                                verbose_name="share of the other decisions sampled at random (per cent)",
                            ),
                        ),
                        (
                            "appeal_period_days",
                            models.PositiveSmallIntegerField(
                                default=31,
                                verbose_name="appeal period (days after the result is released)",
                            ),
                        ),
                        (
                            "claim_top_grade_immediately",
                            models.BooleanField(
                                default=False,
                                verbose_name="claim certificates for a distinction without waiting for the appeal period",
                            ),
                        ),
                        ("revision", models.PositiveIntegerField(default=1)),
                        ("updated_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "epao",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="policy",
                                to="accounts.organisation",
                            ),
                        ),
                        (
                            "updated_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={"db_table": "results_epaopolicy"},
                ),
            ],
            database_operations=[],
        ),
    ]
