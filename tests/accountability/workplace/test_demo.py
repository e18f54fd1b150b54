"""The demo city shows each flag kind: its own records three, seed_workplace the 补录 example."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model

from accountability import flags
from accountability.workplace.demo import TOPIC, seed_workplace
from responsibilities.models import Organization


def test_the_demo_city_has_an_example_of_every_flag_and_seeding_twice_adds_nothing(seeded_demo):
    root = Organization.objects.get(pk=seeded_demo.root_pk)
    inspector = get_user_model().objects.get(username="city_jijian")
    # seed_demo ran it (through demo_city_seeded); its own records are entered the day they are held.
    assert "补录示例 1" in seeded_demo.output
    assert seed_workplace(root) == {"late_entries": 0}

    after = flags.flag_counts(inspector, year=2026)
    assert after["late_entry"] == 1
    assert all(after[kind] > 0 for kind in ("proxy_entry", "last_minute"))
    # The sign-off refuses template prompts (issue #9 §2): the flag finds only versions signed before that.
    assert after["placeholder"] == 0
    county = Organization.objects.get(path__startswith=root.path, name="临河县委")
    (late,) = flags.late_meeting_records(county, 2026)
    assert (late.topic, late.held_on, late.entered_on) == (TOPIC, dt.date(2026, 4, 8), dt.date(2026, 5, 28))
    assert late.created_by.username == "county_a_xcb"
    assert TOPIC not in [m.topic for m in flags.proxy_meeting_records(county, 2026)]
