"""The directives' demo: twenty directives with receipts in every state, loaded twice."""

from __future__ import annotations

from typing import Any

import pytest

from ravabet.coordination import demo_directives
from ravabet.coordination.models import Directive, Receipt
from ravabet.core.organisation import demo

pytestmark = pytest.mark.django_db


def test_demo_makes_twenty_directives_with_receipts_in_every_state(db: Any) -> None:
    demo.load()
    assert demo_directives.load() == 20
    assert demo_directives.load() == 0  # idempotent
    assert Directive.objects.count() == 20
    assert Directive.objects.filter(status=Directive.Status.DRAFT).count() == 1
    assert Directive.objects.filter(status=Directive.Status.REVOKED).count() == 1
    receipts = Receipt.objects.filter(directive__status=Directive.Status.ISSUED)
    assert receipts.filter(opened_at__isnull=True).exists()
    assert receipts.filter(opened_at__isnull=False, acknowledged_at__isnull=True).exists()
    assert receipts.filter(acknowledged_at__isnull=False).exists()
    assert receipts.filter(reported_at__isnull=False).exists()
    reported = receipts.filter(reported_at__isnull=False).select_related("directive")
    assert any(r.reported_at.date() > r.directive.deadline for r in reported)  # some late
    numbers = list(Directive.objects.exclude(number="").values_list("number", flat=True))
    assert len(set(numbers)) == 19
