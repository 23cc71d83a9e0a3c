from django.core.management.base import BaseCommand, CommandError

from kaa.models import Municipality
from youths.summary import case_summary_rebuild


class Command(BaseCommand):
    help = (
        "Räknar om sammanfattningen av varje ungdoms ärende (datum som Att göra och "
        "översikten läser) från kontakter, åtgärder, inskrivningar och utredningar. "
        "Samma jobb körs varje natt; kan köras flera gånger."
    )

    def add_arguments(self, parser):
        parser.add_argument("--municipality", help="Bara kommunen med denna kommunkod.")

    def handle(self, *args, municipality=None, **options):
        municipality_id = None
        if municipality:
            found = Municipality.objects.filter(code=municipality).first()
            if found is None:
                raise CommandError(f"Ingen kommun med kommunkod {municipality}.")
            municipality_id = found.pk
        count = case_summary_rebuild(municipality_id=municipality_id)
        self.stdout.write(f"Sammanfattningen räknades om för {count} ungdomar.")
