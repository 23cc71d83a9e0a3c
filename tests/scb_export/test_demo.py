"""The demo can be exported: its last two half-years pass every control."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command

from kaa.models import Municipality
from scb_export import services
from scb_export.periods import Period
from youths.models import Youth


@pytest.mark.parametrize("seed", [1, 2])
def test_demo_passes_every_control_for_the_last_two_half_years(db, seed):
    with time_machine.travel(dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC), tick=False):
        call_command("seed_demo", "--youths", "600", "--seed", str(seed), stdout=io.StringIO())
        lekeberg = Municipality.objects.get(code="1814")
        for period in (Period(2025, 2), Period(2026, 1), Period(2026, 2)):
            _version, layout = services.layout_for(period)
            result = services.export_build(
                municipality=lekeberg,
                youths=Youth.objects.filter(municipality=lekeberg),
                period=period,
                layout=layout,
                handle=io.BytesIO(),
                today=dt.date(2026, 11, 22),
            )
            assert [(f.check, f.message) for f in result.errors] == [], str(period)
            assert result.youth_count > 20 and result.block_counts["2"] > 0, str(period)
