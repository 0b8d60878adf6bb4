from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    name = "tools.reference"
    label = "reference"
