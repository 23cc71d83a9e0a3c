from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actions.models import END_REASONS, Action, Consent, FollowUpRules
from kaa.forms import CodeChoiceField, DateTimeInput
from kaa.models import Code
from kaa.versioning import VersionedFormMixin
from youths import rules
from youths.forms import SaneDateField
from youths.models import Contact

SENSITIVE_REMINDER = _(
    "Kort och sakligt. Skriv inga känsliga uppgifter (hälsa, sociala förhållanden, etnicitet)."
)


class ContactForm(forms.Form):
    at = forms.DateTimeField(
        label=_("Tidpunkt"),
        help_text=_("ÅÅÅÅ-MM-DD TT:MM"),
        input_formats=["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"],
        widget=DateTimeInput(),
        error_messages={"invalid": _("Skriv tidpunkten som ÅÅÅÅ-MM-DD TT:MM.")},
    )
    channel = forms.ChoiceField(label=_("Kanal"), choices=Contact.Channel.choices)
    with_whom = forms.ChoiceField(
        label=_("Med vem"), choices=Contact.WithWhom.choices, initial=Contact.WithWhom.YOUTH
    )
    reached = forms.TypedChoiceField(
        label=_("Fick ni kontakt?"),
        choices=[("0", _("Nej, ej svar")), ("1", _("Ja"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        initial="0",
    )
    occupation = CodeChoiceField(
        Code.ListName.OCCUPATION,
        label=_("Ungdomens sysselsättning just nu"),
        required=False,
        help_text=_("Krävs när ni fick kontakt."),
    )
    note = forms.CharField(
        label=_("Anteckning"),
        required=False,
        max_length=Contact.NOTE_MAX_LENGTH,
        help_text=SENSITIVE_REMINDER,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": Contact.NOTE_MAX_LENGTH}),
    )
    next_follow_up = SaneDateField(future=True, label=_("Nästa uppföljning"), required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("at", timezone.localtime().replace(second=0, microsecond=0))
        super().__init__(*args, **kwargs)

    def clean_at(self):
        # Checked where typed (rules.date_error); the service checks the same and the
        # youth's birth and enrolment. A few minutes ahead are the service's to judge.
        at = self.cleaned_data["at"]
        message = rules.date_error(at.date(), today=timezone.localdate(), future=True)
        if message is None and at.date() > timezone.localdate():
            message = _("Kontakten kan inte ligga i framtiden.")
        if message:
            raise forms.ValidationError(message)
        return at


class ActionOfferForm(forms.Form):
    kind = CodeChoiceField(Code.ListName.ACTION, label=_("Åtgärd"))
    responsible = forms.ChoiceField(
        label=_("Vem ansvarar?"),
        choices=Action.Responsible.choices,
        initial=Action.Responsible.MUNICIPALITY,
    )
    responsible_name = forms.CharField(
        label=_("Ansvarig aktör"),
        required=False,
        max_length=120,
        help_text=_("T.ex. Arbetsförmedlingen, socialtjänsten, en skola."),
    )
    content = forms.CharField(
        label=_("Innehåll"),
        required=False,
        max_length=300,
        help_text=SENSITIVE_REMINDER,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 300}),
    )
    offered_on = SaneDateField(label=_("Erbjuden"), initial=timezone.localdate)
    follow_up_on = SaneDateField(future=True, label=_("Uppföljning/utvärdering"), required=False)


class ActionRespondForm(forms.Form):
    accepted = forms.TypedChoiceField(
        label=_("Svar"),
        choices=[("1", _("Tackade ja")), ("0", _("Tackade nej"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    on = SaneDateField(label=_("Datum"), initial=timezone.localdate)


class ActionStartForm(forms.Form):
    start_date = SaneDateField(label=_("Startdatum"), initial=timezone.localdate)


OTHER_REASON = "annat"


class ActionEndForm(forms.Form):
    end_date = SaneDateField(label=_("Slutdatum"), initial=timezone.localdate)
    end_reason = forms.ChoiceField(label=_("Orsak till avslut"))
    end_reason_note = forms.CharField(
        label=_("Annan orsak"),
        help_text=_("Kort, utan känsliga uppgifter. Fylls i när orsaken är Annat."),
        max_length=150,
        required=False,
    )
    occupation_after = CodeChoiceField(
        Code.ListName.OCCUPATION, label=_("Sysselsättning efter åtgärden")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["end_reason"].choices = [
            ("", _("Välj orsak")),
            *((str(reason), reason) for reason in END_REASONS),
            (OTHER_REASON, _("Annat")),
        ]

    def clean(self):
        data = super().clean()
        note = (data.pop("end_reason_note", "") or "").strip()
        if data.get("end_reason") == OTHER_REASON:
            if not note:
                self.add_error("end_reason_note", _("Skriv orsaken när du väljer Annat."))
            else:
                data["end_reason"] = f"{_('Annat')}: {note}"
        return data


class ActionCompleteForm(forms.Form):
    occupation_after = CodeChoiceField(
        Code.ListName.OCCUPATION, label=_("Sysselsättning efter åtgärden")
    )


class ActionFollowUpForm(forms.Form):
    follow_up_on = SaneDateField(future=True, label=_("Uppföljning/utvärdering"), required=False)


class PlanForm(VersionedFormMixin, forms.Form):
    goal = forms.CharField(
        label=_("Mål med insatserna"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    steps = forms.CharField(
        label=_("Överenskomna steg"),
        required=False,
        max_length=2000,
        help_text=SENSITIVE_REMINDER,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ConsentForm(forms.Form):
    agency = forms.CharField(label=_("Till vem får uppgifter lämnas?"), max_length=120)
    scope = forms.CharField(label=_("Vilka uppgifter?"), max_length=200)
    given_by = forms.ChoiceField(
        label=_("Vem lämnade samtycket?"),
        choices=Consent.GivenBy.choices,
        initial=Consent.GivenBy.YOUTH,
        widget=forms.RadioSelect,
        required=False,
    )
    given_by_name = forms.CharField(
        label=_("Vårdnadshavarens namn"),
        help_text=_("När en vårdnadshavare lämnade samtycket."),
        max_length=200,
        required=False,
    )
    given_on = SaneDateField(label=_("Lämnat"), initial=timezone.localdate)
    valid_until = SaneDateField(future=True, label=_("Gäller till"), required=False)

    def clean_given_by(self):
        # Unanswered means the youth, as before the question was asked.
        return self.cleaned_data.get("given_by") or Consent.GivenBy.YOUTH


class ConsentWithdrawForm(forms.Form):
    on = SaneDateField(label=_("Återkallat"), initial=timezone.localdate)


class FollowUpRulesForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = FollowUpRules
        fields = [
            "unreached_days",
            "declined_interval_days",
            "before_20_days",
            "follow_up_after_exit",
            "after_exit_days",
            "absence_days",
        ]
        # The product's word for the answer is "Tackade nej" (as on Att göra).
        labels = {"declined_interval_days": _("Uppföljning av ungdom som tackade nej, var (dagar)")}
