from django.core.management.base import BaseCommand

from youths.summary import case_summary_rebuild


class Command(BaseCommand):
    help = (
        "Räknar om sammanfattningen av varje ungdoms ärende (datum som Att göra och "
        "översikten läser) från kontakter, åtgärder, inskrivningar och utredningar. "
        "Kan köras flera gånger."
    )

    def add_arguments(self, parser):
        parser.add_argument("--kommun", type=int, help="Bara kommunen med detta id.")

    def handle(self, *args, kommun=None, **options):
        count = case_summary_rebuild(municipality_id=kommun)
        self.stdout.write(f"Sammanfattningen räknades om för {count} ungdomar.")
