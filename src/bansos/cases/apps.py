from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "bansos.cases"
    label = "cases"
