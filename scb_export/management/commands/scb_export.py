"""python manage.py scb_export --municipality 1814 --period 2026H1 [--format csv|xlsx]
[--layout kaa-scb-2018] [--output FILE] [--check]

Exit 0: no errors (with --check: only checked; without: file written and export recorded).
Exit 1: errors found (nothing written), one line each on stderr:
    ERROR <check> <YYYYMMDD-XXXX> <message>
Exit 2: bad arguments.
"""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kaa.models import Municipality
from scb_export import services
from scb_export.checks import ERROR
from scb_export.services import ExportError


class Command(BaseCommand):
    help = "Kontrollerar och skapar SCB-filen för kommunernas aktivitetsansvar för ett halvår."

    def add_arguments(self, parser):
        parser.add_argument("--municipality", required=True, help="Kommunkod, t.ex. 1814.")
        parser.add_argument("--period", required=True, help="Halvår, t.ex. 2026H1.")
        parser.add_argument("--format", default="csv", choices=["csv", "xlsx"], dest="file_format")
        parser.add_argument("--layout", default=None, help="Layoutversion, t.ex. kaa-scb-2018.")
        parser.add_argument("--output", default=None, help="Filen att skriva.")
        parser.add_argument(
            "--check", action="store_true", help="Kör bara kontrollerna; skriv ingen fil."
        )

    def handle(self, *args, municipality, period, file_format, layout, output, check, **options):
        today = timezone.localdate()
        try:
            kommun = Municipality.objects.get(code=municipality.strip().zfill(4))
        except Municipality.DoesNotExist:
            raise CommandError(f"Okänd kommunkod {municipality!r}.", returncode=2) from None
        try:
            the_period = services.parse_period(period, today=today)
            version, the_layout = services.layout_for(the_period, layout)
        except ExportError as error:
            raise CommandError(str(error), returncode=2) from None
        preliminary = not the_period.is_finished(today)
        if check:
            result = services.export_build(
                municipality=kommun,
                youths=_youths(kommun),
                period=the_period,
                layout=the_layout,
                today=today,
            )
            run = None
        else:
            output = output or _default_name(kommun.code, the_period, file_format, preliminary)
            try:
                result, run = services.export_to_file(
                    municipality=kommun,
                    period=the_period,
                    version=version,
                    layout=the_layout,
                    file_format=file_format,
                    output=output,
                    today=today,
                )
            except (ExportError, OSError) as error:
                raise CommandError(str(error), returncode=2) from None
        for finding in result.errors:
            self.stderr.write(
                f"{ERROR.upper()} {finding.check} {finding.personnummer} {finding.message}"
            )
        for finding in result.warnings:
            self.stdout.write(f"WARNING {finding.check} {finding.personnummer} {finding.message}")
        counts = ", ".join(
            f"block {block}: {result.block_counts.get(str(block), 0)}" for block in range(1, 6)
        )
        self.stdout.write(
            f"{kommun.code} {the_period} ({version.name}): {result.youth_count} ungdomar, "
            f"{result.row_count} rader ({counts}); {len(result.errors)} fel, "
            f"{len(result.warnings)} varningar."
        )
        if preliminary:
            self.stdout.write("Perioden har inte slutat: filen är preliminär.")
        if result.errors:
            if not check:
                self.stdout.write("Ingen fil skrevs eftersom kontrollerna hittade fel.")
            sys.exit(1)
        if run is not None:
            self.stdout.write(f"Skrev {output} (SHA-256 {run.sha256}).")


def _youths(kommun):
    from youths.models import Youth

    return Youth.objects.filter(municipality=kommun)


def _default_name(code: str, period, file_format: str, preliminary: bool) -> str:
    prefix = "preliminar-" if preliminary else ""
    return f"{prefix}kaa-{code}-{period}.{file_format}"
