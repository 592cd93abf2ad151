from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_sources(sender, using="default", **kwargs) -> None:
    # After migrate and after flush (which re-emits post_migrate), like Django's own
    # content types: the shipped sources must always exist.
    from bansos.intake.services import sources_ensure

    sources_ensure(using=using)


class IntakeConfig(AppConfig):
    name = "bansos.intake"
    label = "intake"

    def ready(self) -> None:
        post_migrate.connect(_ensure_sources, sender=self, dispatch_uid="bansos.intake.sources")
