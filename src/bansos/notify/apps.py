from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "bansos.notify"
    label = "notify"
