from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kaa.codelists import CodeListError, load_version, read_layout
from kaa.models import Code, CodeListVersion


class Command(BaseCommand):
    help = "Läser in en ny version av kodlistorna från en layoutfil (JSON), utan kodändring."

    def add_arguments(self, parser):
        parser.add_argument(
            "path", type=Path, help="Layoutfil, t.ex. scb_export/layouts/kaa-scb-2018.json"
        )

    def handle(self, *args, path: Path, **options):
        try:
            data = read_layout(path)
        except CodeListError as error:
            raise CommandError(str(error)) from error
        version, created = load_version(data, CodeListVersion, Code)
        if created:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Version {version.name} inläst ({version.codes.count()} koder)."
                )
            )
        else:
            self.stdout.write(f"Version {version.name} fanns redan; inget ändrat.")
