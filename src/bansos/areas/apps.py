from django.apps import AppConfig


class AreasConfig(AppConfig):
    name = "bansos.areas"
    label = "areas"
