from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "bansos.payments"
    label = "payments"
