"""Who uploaded each picture (their own unused ones are theirs to change), photos checked like
pictures, and translators may upload pictures as authors do (see articles/desk/roles.py)."""

import articles.media.images
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def let_translators_upload(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    translators = Group.objects.filter(name="Translators").first()
    permission = Permission.objects.filter(
        content_type__app_label="articles", codename="add_image"
    ).first()
    if translators and permission:
        translators.permissions.add(permission)


def forbid_translators_upload(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="Translators"):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="articles", codename="add_image")
        )


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0011_title_trigram_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='image',
            name='uploaded_by',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='uploaded by'),
        ),
        migrations.AlterField(
            model_name='author',
            name='photo',
            field=models.ImageField(blank=True, upload_to='authors/', validators=[articles.media.images.validate_upload], verbose_name='photo'),
        ),
        migrations.RunPython(let_translators_upload, forbid_translators_upload),
    ]
