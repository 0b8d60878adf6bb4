"""The audit log, and when each user was last signed out everywhere."""

import django.core.serializers.json
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('auth', '0012_alter_user_first_name_max_length'),
    ]

    operations = [
        migrations.CreateModel(
            name='SessionRevocation',
            fields=[
                ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='session_revocation', serialize=False, to=settings.AUTH_USER_MODEL, verbose_name='user')),
                ('revoked_at', models.DateTimeField(verbose_name='signed out everywhere at')),
            ],
            options={
                'verbose_name': 'sign-out everywhere',
                'verbose_name_plural': 'sign-outs everywhere',
            },
        ),
        migrations.CreateModel(
            name='AuditEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='when')),
                ('user_id', models.BigIntegerField(blank=True, null=True, verbose_name="user's id")),
                ('username', models.CharField(blank=True, max_length=150, verbose_name='who')),
                ('action', models.CharField(choices=[('sign_in', 'Signed in'), ('sign_in_failed', 'Sign-in refused'), ('sign_out', 'Signed out'), ('locked_out', 'Locked out after too many failed sign-ins'), ('second_factor_failed', 'Wrong sign-in code'), ('second_factor_enrolled', 'Set up an authenticator app'), ('second_factor_reset', 'Two-factor sign-in reset'), ('recovery_code_used', 'Signed in with a recovery code'), ('recovery_codes_replaced', 'Made new recovery codes'), ('signed_out_everywhere', 'Signed out everywhere'), ('role_changed', 'Changed roles or permissions'), ('publish', 'Published'), ('schedule', 'Scheduled'), ('withdraw', 'Withdrew'), ('restore', 'Restored an earlier version'), ('recover', 'Recovered a deleted article'), ('delete', 'Deleted'), ('import', 'Imported')], max_length=32, verbose_name='what')),
                ('target_type', models.CharField(blank=True, max_length=100, verbose_name='kind of object')),
                ('target_id', models.CharField(blank=True, max_length=64, verbose_name="object's id")),
                ('target_repr', models.CharField(blank=True, max_length=200, verbose_name='object')),
                ('address', models.GenericIPAddressField(blank=True, null=True, verbose_name='from address')),
                ('detail', models.JSONField(blank=True, default=dict, encoder=django.core.serializers.json.DjangoJSONEncoder, verbose_name='detail')),
            ],
            options={
                'verbose_name': 'audit log entry',
                'verbose_name_plural': 'audit log',
                'ordering': ['-at', '-id'],
                'get_latest_by': 'at',
                'indexes': [models.Index(fields=['-at'], name='auditentry_at'), models.Index(fields=['username', '-at'], name='auditentry_username_at'), models.Index(fields=['action', '-at'], name='auditentry_action_at')],
            },
        ),
    ]
