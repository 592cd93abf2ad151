from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "bansos.portal"
    label = "portal"
