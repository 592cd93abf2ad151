from django.apps import AppConfig


class TargetingConfig(AppConfig):
    name = "bansos.targeting"
    label = "targeting"
