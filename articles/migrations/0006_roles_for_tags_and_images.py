"""The roles' permissions on tags and the media library (see articles/desk/roles.py)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = {
    "Authors": ["view_tag", "view_image", "add_image", "change_image"],
    "Translators": ["view_tag", "view_image", "change_image"],
    "Editors": [
        "add_tag",
        "change_tag",
        "view_tag",
        "add_image",
        "change_image",
        "view_image",
    ],
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("articles")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="articles", codename__in=codenames)
        )


class Migration(migrations.Migration):
    dependencies = [("articles", "0005_tags_images_breaking")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
