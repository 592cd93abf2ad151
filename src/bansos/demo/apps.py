from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "bansos.demo"
    label = "demo"
