from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaa.forms import CodeChoiceField, IsoDateField
from kaa.models import Code
from kaa.versioning import VersionedFormMixin
from youths import personnummer, rules
from youths.models import Verification, Youth
from youths.querysets import Status
from youths.services import YOUTH_FIELDS


class SaneDateField(IsoDateField):
    """A date checked against reality where it is typed (rules.date_error): not before
    rules.EARLIEST_DATE, not in the future unless `future`, and then not absurdly far
    ahead. The service checks the same and what depends on the youth (birth, enrolment)."""

    def __init__(self, *, future: bool = False, **kwargs):
        self.future = future
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        message = rules.date_error(value, today=timezone.localdate(), future=self.future)
        if message:
            raise forms.ValidationError(message, code="date_range")


COMPLETED_SCHOOL_EARLY_HELP = _(
    "Kryssa bara i om du vet att ungdomen har slutfört grundskolan före vårterminens slut "
    "det år ungdomen fyller 16. Uppgiften sparas med inskrivningen och loggas."
)


def completed_school_early_field():
    return forms.BooleanField(
        label=_("Ungdomen har slutfört grundskolan innan skolplikten upphörde"),
        help_text=COMPLETED_SCHOOL_EARLY_HELP,
        required=False,
    )


class YouthFieldsMixin:
    def clean_first_name(self):
        return self.cleaned_data["first_name"].strip()

    def clean_last_name(self):
        return self.cleaned_data["last_name"].strip()


class YouthRegisterForm(YouthFieldsMixin, forms.ModelForm):
    class InitialState:
        ENROL = "enrol"
        VERIFY = "verify"
        NONE = "none"

    personnummer_text = forms.CharField(
        label=_("Personnummer eller samordningsnummer"),
        max_length=20,
        help_text=_("ÅÅÅÅMMDD-NNNN eller ÅÅMMDD-NNNN."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    assigned_to = forms.ModelChoiceField(
        label=_("Ansvarig samordnare"), queryset=None, required=False, empty_label=_("Ingen ännu")
    )
    initial_state = forms.ChoiceField(
        label=_("Status vid registrering"),
        choices=[
            (InitialState.ENROL, _("Skriv in i aktivitetsansvaret nu")),
            (InitialState.VERIFY, _("Att utreda (tillhörighet till målgruppen ej bekräftad)")),
            (InitialState.NONE, _("Endast registrera")),
        ],
        initial=InitialState.ENROL,
        widget=forms.RadioSelect,
    )
    start_date = SaneDateField(
        label=_("Inskrivningsdatum"), required=False, initial=timezone.localdate
    )
    entry_reason = CodeChoiceField(
        Code.ListName.ENTRY_REASON, label=_("Orsak till inskrivning"), required=False
    )
    completed_school_early = completed_school_early_field()
    verification_note = forms.CharField(
        label=_("Vad ska utredas?"), required=False, max_length=300, widget=forms.TextInput
    )

    class Meta:
        model = Youth
        fields = list(YOUTH_FIELDS)

    field_order = ["personnummer_text", "first_name", "last_name"]

    def __init__(self, *args, assignable=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = assignable
        self.fields["assigned_to"].label_from_instance = lambda user: user.display_name()

    def clean_personnummer_text(self):
        value = self.cleaned_data["personnummer_text"]
        try:
            return personnummer.normalize(value, today=timezone.localdate())
        except personnummer.InvalidPersonnummer as error:
            raise forms.ValidationError(str(error)) from None

    def clean(self):
        data = super().clean()
        if data.get("initial_state") == self.InitialState.ENROL:
            if not data.get("start_date") and "start_date" not in self.errors:
                self.add_error("start_date", _("Ange inskrivningsdatum."))
            if not data.get("entry_reason") and "entry_reason" not in self.errors:
                self.add_error("entry_reason", _("Välj orsak till inskrivning."))
        return data


class YouthEditForm(VersionedFormMixin, YouthFieldsMixin, forms.ModelForm):
    class Meta:
        model = Youth
        fields = list(YOUTH_FIELDS)


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label=_("Ansvarig samordnare"), queryset=None, required=False, empty_label=_("Ingen")
    )

    def __init__(self, *args, assignable=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignable
        self.fields["assignee"].label_from_instance = lambda user: user.display_name()


class EnrolmentForm(forms.Form):
    start_date = SaneDateField(label=_("Inskrivningsdatum"))
    entry_reason = CodeChoiceField(Code.ListName.ENTRY_REASON, label=_("Orsak till inskrivning"))
    completed_school_early = completed_school_early_field()


class EnrolmentCloseForm(forms.Form):
    end_date = SaneDateField(label=_("Datum då aktivitetsansvaret upphörde"))
    exit_reason = CodeChoiceField(Code.ListName.EXIT_REASON, label=_("Orsak"))
    occupation_after = CodeChoiceField(
        Code.ListName.OCCUPATION,
        label=_("Sysselsättning efter pågående åtgärder"),
        required=False,
        help_text=_(
            "Pågående åtgärder avslutas samma dag som inskrivningen. Krävs när ungdomen har "
            "pågående åtgärder."
        ),
    )

    def __init__(self, *args, running_actions=(), **kwargs):
        super().__init__(*args, **kwargs)
        if not running_actions:
            del self.fields["occupation_after"]


class VerificationOpenForm(forms.Form):
    note = forms.CharField(label=_("Vad ska utredas?"), required=False, max_length=300)


class VerificationResolveForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Utfall"),
        choices=[(Verification.Outcome.NOT_IN_GROUP, Verification.Outcome.NOT_IN_GROUP.label)],
        help_text=_(
            "Ska ungdomen skrivas in? Använd ”Skriv in” i stället; det avslutar utredningen."
        ),
    )
    note = forms.CharField(label=_("Kommentar"), required=False, max_length=300)


class GuardianForm(forms.Form):
    name = forms.CharField(label=_("Namn"), max_length=200)
    phone = forms.CharField(label=_("Telefon"), max_length=40, required=False)
    email = forms.EmailField(label=_("E-post"), required=False)


class YouthFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Sök namn eller personnummer"),
        required=False,
        max_length=100,
        # The browser must not keep searched personnummer in its form history.
        widget=forms.TextInput(attrs={"autocomplete": "off", "class": "textinput form-control"}),
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Alla"))] + list(Status.choices)
    )
    coordinator = forms.ChoiceField(label=_("Samordnare"), required=False)
    age = forms.TypedChoiceField(
        label=_("Ålder"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Alla"))] + [(str(age), str(age)) for age in range(15, 21)],
    )

    def __init__(self, *args, assignable=(), default_coordinator="mine", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coordinator"].choices = [
            ("mine", _("Mina ungdomar")),
            ("all", _("Alla")),
            ("none", _("Utan samordnare")),
        ] + [(str(user.pk), user.display_name()) for user in assignable]
        self.fields["coordinator"].initial = default_coordinator
