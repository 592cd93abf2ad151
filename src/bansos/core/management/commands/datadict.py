from django.core.management.base import BaseCommand

from bansos.core.datadict import render


class Command(BaseCommand):
    help = "Print the data dictionary (Markdown) generated from the models."

    def handle(self, *args, **options) -> None:
        self.stdout.write(render(), ending="")
