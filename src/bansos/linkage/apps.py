from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "bansos.linkage"
    label = "linkage"
