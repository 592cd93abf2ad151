from django.apps import AppConfig


class OfficeConfig(AppConfig):
    name = "bansos.office"
    label = "office"
