from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from youths.imports.columns import column
from youths.imports.models import ImportKind


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Vilken sorts lista?"), choices=ImportKind.choices, widget=forms.RadioSelect
    )
    file = forms.FileField(
        label=_("Fil (xlsx eller csv)"),
        help_text=_("Högst %(mb)s MB.") % {"mb": settings.IMPORT_MAX_BYTES // (1024 * 1024)},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("Filen är för stor (högst %(mb)s MB).")
                % {"mb": settings.IMPORT_MAX_BYTES // (1024 * 1024)}
            )
        return upload


class MappingForm(forms.Form):
    """One choice per required column the file lacks: which of the file's columns it is."""

    def __init__(self, *args, batch, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("Välj kolumn"))] + [
            (str(i), header or _("Kolumn %(n)s") % {"n": i + 1})
            for i, header in enumerate(batch.headers)
        ]
        for field in batch.missing:
            self.fields[field] = forms.TypedChoiceField(
                label=column(batch.kind, field).header, choices=choices, coerce=int
            )
