from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "bansos.registry"
    label = "registry"
