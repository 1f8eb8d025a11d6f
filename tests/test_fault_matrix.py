"""Every row of the fault matrix gives its message, and docs/fault-matrix.md shows what they give today."""

from __future__ import annotations

import pytest

from .fault_matrix import DOC, KEY, SCENARIOS, render


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.what)
def test_each_fault_gives_a_message_a_learner_can_act_on(scenario):
    message = scenario.run()
    for words in scenario.expect:
        assert words in message, message
    assert KEY not in message and KEY[3:20] not in message  # never the key


def test_the_published_fault_matrix_is_current():
    assert DOC.read_text(encoding="utf-8") == render(), "docs/fault-matrix.md is stale: run `make fault-matrix`"
