import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from kaa.models import CodeListVersion
from scb_export.models import ExportRun
from scb_export.periods import Period

ENCODING_LABELS = {"utf-8": "UTF-8", "windows-1252": "Windows-1252"}


def recent_periods(today: dt.date, count: int = 4) -> list[Period]:
    """The running half-year first, then the ones before it."""
    periods = [Period.containing(today)]
    while len(periods) < count:
        periods.append(periods[-1].previous)
    return periods


class ExportForm(forms.Form):
    period = forms.ChoiceField(label=_("Halvår"))
    file_format = forms.ChoiceField(label=_("Format"), choices=ExportRun.Format.choices)
    encoding = forms.ChoiceField(label=_("Teckenkodning (CSV)"))
    layout = forms.ChoiceField(label=_("Layout"))

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        choices = []
        for period in recent_periods(today):
            label = period.label
            if not period.is_finished(today):
                label = _("%(label)s (pågår: preliminär fil)") % {"label": label}
            choices.append((str(period), label))
        self.fields["period"].choices = choices
        self.fields["period"].initial = choices[1][0]
        versions = list(CodeListVersion.objects.exclude(layout={}).order_by("-valid_from"))
        self.fields["layout"].choices = [
            (v.name, _("%(name)s (KAA:s rekonstruktion)") % {"name": v.name}) for v in versions
        ]
        encodings = []
        for version in versions:
            file_settings = version.layout.get("file") or {}
            for name in [
                file_settings.get("encoding", "utf-8"),
                *file_settings.get("alt_encodings", []),
            ]:
                if name not in encodings:
                    encodings.append(name)
        self.fields["encoding"].choices = [(e, ENCODING_LABELS.get(e, e)) for e in encodings]
