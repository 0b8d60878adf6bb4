"""The desk's roles as groups with their model permissions (see articles/desk/roles.py)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = {
    "Authors": [
        "add_article",
        "change_article",
        "view_article",
        "add_byline",
        "change_byline",
        "delete_byline",
        "view_byline",
        "view_category",
        "view_author",
    ],
    "Translators": [
        "change_article",
        "view_article",
        "view_byline",
        "view_category",
        "view_author",
    ],
    "Editors": [
        "add_article",
        "change_article",
        "delete_article",
        "view_article",
        "publish_article",
        "add_byline",
        "change_byline",
        "delete_byline",
        "view_byline",
        "add_category",
        "change_category",
        "view_category",
        "add_author",
        "change_author",
        "view_author",
    ],
}


def create_roles(apps, schema_editor):
    # Permissions are normally made after all migrations; the groups need them now.
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


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_editorial_workflow"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
