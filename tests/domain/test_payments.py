"""Payment requests under Nr. 1.4 ANBest-P: grant ceiling, six-week rule, approved period."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from service.domain.messages import PlainLocalizer
from service.domain.payments import ANBEST_PAYMENT, PaymentRequest, payment_findings


def _request(**changes) -> PaymentRequest:
    values = {
        "amount": Decimal("380.00"),
        "needed_on": date(2026, 5, 20),
        "payout_on": date(2026, 5, 1),
        "grant": Decimal("600.00"),
        "requested_before": Decimal("0.00"),
        "period_start": date(2026, 5, 1),
        "period_end": date(2026, 6, 30),
    }
    values.update(changes)
    return PaymentRequest(**values)


def _codes(request: PaymentRequest) -> list[str]:
    return [f.code for f in payment_findings(request)]


def test_a_request_within_grant_period_and_six_weeks_has_no_findings():
    assert payment_findings(_request()) == []


def test_requests_adding_up_to_exactly_the_grant_are_allowed():
    assert _codes(_request(amount=Decimal("220.00"), requested_before=Decimal("380.00"))) == []


def test_one_cent_above_the_grant_in_total_exceeds_it():
    request = _request(amount=Decimal("220.01"), requested_before=Decimal("380.00"))
    findings = payment_findings(request)
    assert [f.code for f in findings] == ["payment.exceeds-grant"]
    assert findings[0].source == ANBEST_PAYMENT
    assert findings[0].field == "amount"
    assert "220.00 EUR" in findings[0].message.render(PlainLocalizer())


def test_money_needed_exactly_six_weeks_after_payout_may_be_requested():
    assert _codes(_request(needed_on=date(2026, 6, 12))) == []


def test_money_needed_one_day_later_than_six_weeks_is_requested_too_early():
    findings = payment_findings(_request(needed_on=date(2026, 6, 13)))
    assert [f.code for f in findings] == ["payment.too-early"]
    assert "2026-06-12" in findings[0].message.render(PlainLocalizer())


def test_a_date_after_the_approved_period_is_outside_it():
    codes = _codes(_request(needed_on=date(2026, 7, 1), payout_on=date(2026, 6, 25)))
    assert codes == ["payment.outside-period"]


def test_a_date_before_the_approved_period_is_outside_it():
    assert _codes(_request(needed_on=date(2026, 4, 30))) == ["payment.outside-period"]


def test_missing_amount_and_date_are_required_fields():
    assert _codes(_request(amount=None, needed_on=None)) == ["field.required", "field.required"]


def test_a_zero_amount_is_refused():
    assert _codes(_request(amount=Decimal("0"))) == ["input.invalid"]
