"""The nämnd report as xlsx: figures only, never a name or a personnummer."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

SEX_LABELS = (("K", "Kvinnor"), ("M", "Män"))


def render_xlsx(context: dict) -> bytes:
    data = context["data"]
    labels = context["figure_labels"]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Sammanfattning")
    bold = Font(bold=True)

    def heading(text: str) -> None:
        sheet.append([])
        sheet.append([text])
        sheet.cell(row=sheet.max_row, column=1).font = bold

    sheet.append([_("Kommunernas aktivitetsansvar – rapport till nämnden")])
    sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
    sheet.append([_("Kommun"), f"{context['municipality'].name} ({context['municipality'].code})"])
    sheet.append([_("Halvår"), context["half_year"]])
    sheet.append([_("Siffrorna avser"), data.period.on.isoformat()])
    sheet.append([_("Beräknad"), context["computed_at"].strftime("%Y-%m-%d %H:%M")])

    heading(_("Målgruppen per kön och ålder"))
    sheet.append([_("Kön")] + [f"{age} år" for age in data.ages] + [_("Totalt")])
    for sex, label in SEX_LABELS:
        sheet.append(
            [_(label)]
            + [data.in_group.by_sex_age.get((sex, age), 0) for age in data.ages]
            + [data.in_group.by_sex[sex]]
        )
    sheet.append(
        [_("Totalt")]
        + [data.in_group.by_age.get(age, 0) for age in data.ages]
        + [data.in_group.total]
    )

    heading(_("Kontakter och åtgärder under halvåret"))
    sheet.append([_("Uppgift"), _("Kvinnor"), _("Män"), _("Totalt")])
    for key, split in data.figures.items():
        sheet.append([str(labels[key]), split.by_sex["K"], split.by_sex["M"], split.total])

    heading(_("Orsak till registrering"))
    sheet.append([_("Orsak"), _("Kvinnor"), _("Män"), _("Totalt")])
    for reason in data.reasons:
        split = reason["split"]
        sheet.append([reason["label"], split.by_sex["K"], split.by_sex["M"], split.total])

    heading(_("Sysselsättning efter avslutade åtgärder (antal ungdomar)"))
    categories = context["outcome_categories"]
    sheet.append([_("Åtgärd")] + [str(label) for label in categories.values()])
    for kind in data.outcomes:
        sheet.append([kind["label"]] + [kind["counts"][key] for key in categories])

    heading(_("Datakvalitet"))
    for key in ("saknar_orsak", "avslutad_okand", "att_utreda_lange", "anmalan_ej_hanterad"):
        sheet.append([str(labels[key]), data.quality[key]])

    ages = context["trend_ages"]
    age_headings = [f"{age} år" for age in ages]
    heading(_("Målgruppen vid halvårets slut"))
    sheet.append([_("Halvår"), _("Datum"), _("Kvinnor"), _("Män"), *age_headings, _("Totalt")])
    for point in context["trend"]:
        by_age = [point.split.by_age.get(age, 0) if point.split else None for age in ages]
        sheet.append(
            [point.label, point.on.isoformat(), point.women, point.men, *by_age, point.in_group]
        )

    heading(_("Målgruppen vid halvårets slut per kön och ålder"))
    sheet.append([_("Halvår"), _("Kön"), *age_headings, _("Totalt")])
    for point in context["trend"]:
        for sex, label in SEX_LABELS:
            split = point.split
            cells = [split.by_sex_age.get((sex, age), 0) if split else None for age in ages]
            total = split.by_sex.get(sex, 0) if split else None
            sheet.append([point.label, _(label), *cells, total])

    sheet.column_dimensions["A"].width = 55
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
