"""The audit log records two more of the desk's actions: submitting for review, correcting."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_audit_log_append_only"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditentry",
            name="action",
            field=models.CharField(
                choices=[
                    ("sign_in", "Signed in"),
                    ("sign_in_failed", "Sign-in refused"),
                    ("sign_out", "Signed out"),
                    ("locked_out", "Locked out after too many failed sign-ins"),
                    ("second_factor_failed", "Wrong sign-in code"),
                    ("second_factor_enrolled", "Set up an authenticator app"),
                    ("second_factor_reset", "Two-factor sign-in reset"),
                    ("recovery_code_used", "Signed in with a recovery code"),
                    ("recovery_codes_replaced", "Made new recovery codes"),
                    ("signed_out_everywhere", "Signed out everywhere"),
                    ("role_changed", "Changed roles or permissions"),
                    ("submit", "Submitted for review"),
                    ("publish", "Published"),
                    ("schedule", "Scheduled"),
                    ("withdraw", "Withdrew"),
                    ("correct", "Published a correction"),
                    ("restore", "Restored an earlier version"),
                    ("recover", "Recovered a deleted article"),
                    ("delete", "Deleted"),
                    ("import", "Imported"),
                ],
                max_length=32,
                verbose_name="what",
            ),
        ),
    ]
