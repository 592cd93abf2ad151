from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "bansos.audit"
    label = "audit"
