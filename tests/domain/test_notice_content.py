"""What a notice states (issue 18): its Anlage 2 and the numbers it cites, the report
deadline of the annex, the share of an Anteilfinanzierung, the approved plan of a reduced
grant and its settlement, whom the notice is addressed to, and rejection reasons without the
form's instructions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from service.domain.check import check_application, check_report
from service.domain.notice import (
    ANNEX_GK,
    ANNEX_P,
    REJECTION_REASONS,
    addressee,
    annex_key,
    annex_missing,
    annex_report_due,
    annex_rules,
    anteil_share,
    approved_own_funds,
    rejection_reasons,
    report_deadline_departs,
)
from service.domain.rule_catalogue import all_rules
from service.i18n import BabelLocalizer

from .helpers import TODAY, aif, application, report


@pytest.mark.parametrize(
    ("legal_form", "key"),
    [("kommune", ANNEX_GK), ("verein", ANNEX_P), ("initiative", ANNEX_P), (None, ANNEX_P)],
)
def test_a_municipality_gets_the_anbest_gk_everyone_else_the_anbest_p(legal_form, key):
    assert annex_key(legal_form) == key
    assert annex_rules(legal_form).key == key


def test_the_gk_s_payment_period_is_departed_from_the_p_s_is_not():
    # the programme's six weeks: Nr. 1.4 ANBest-P says the same, Nr. 1.2 ANBest-Gk two months
    assert annex_rules("verein").payment == "Nr. 1.4 ANBest-P"
    assert not annex_rules("verein").payment_departs
    assert annex_rules("kommune").payment == "Nr. 1.2 ANBest-Gk"
    assert annex_rules("kommune").payment_departs


def test_a_missing_annex_is_an_error_naming_the_annex_the_recipient_needs():
    finding = annex_missing("kommune")
    assert finding.is_error
    assert finding.code == "notice.annex-missing"
    text = finding.message.render(BabelLocalizer())
    assert "ANBest-Gk" in text
    assert "Bitte laden Sie die ANBest-Gk als PDF-Datei hoch" in text
    assert "nicht als PDF-Datei lesen" in annex_missing("verein", unreadable=True).message.render(
        BabelLocalizer()
    )


def test_the_annex_s_own_report_deadline():
    # Nr. 6.1 ANBest-P: the end of the sixth month after the approved period
    assert annex_report_due(date(2026, 6, 30), "verein") == date(2026, 12, 31)
    assert annex_report_due(date(2026, 8, 31), "verein") == date(2027, 2, 28)
    # Nr. 6.1 ANBest-Gk: one year after it
    assert annex_report_due(date(2026, 6, 30), "kommune") == date(2027, 6, 30)
    assert annex_report_due(date(2028, 2, 29), "kommune") == date(2029, 2, 28)


def test_a_report_deadline_of_the_guideline_is_marked_where_it_departs_from_the_annex():
    end = date(2026, 6, 30)
    assert report_deadline_departs(end, date(2026, 8, 11), "verein")  # 42 days
    assert not report_deadline_departs(end, date(2026, 12, 31), "verein")
    assert report_deadline_departs(end, date(2026, 12, 31), "kommune")
    assert not report_deadline_departs(None, date(2026, 8, 11), "verein")


def test_the_share_of_an_anteilfinanzierung_is_the_grant_over_the_planned_costs():
    assert anteil_share(Decimal("595.00"), Decimal("850.00")) == Decimal("0.7")
    assert anteil_share(Decimal("500.00"), Decimal("0")) is None
    assert anteil_share(None, Decimal("850.00")) is None


def test_the_approved_plan_of_a_reduced_grant_holds_the_difference_as_own_funds():
    assert approved_own_funds(Decimal("100"), Decimal("600"), Decimal("500")) == Decimal("200")
    assert approved_own_funds(Decimal("100"), Decimal("600"), Decimal("600")) == Decimal("100")


def _settled(financing_type: str, own_actual: str, receipts_total: str) -> Decimal:
    """The final grant of the example report when the recipient, granted 500,00 € of the
    600,00 € it asked for, covers the difference from own funds as its notice says."""
    data = report()
    plan_total = sum(Decimal(v) for v in data["notice"]["plan"].values())
    requested = Decimal("600.00")
    granted = Decimal("500.00")
    own_planned = plan_total - requested
    data["notice"].update(
        financing_type=financing_type,
        grant=f"{granted:.2f}",
        paid=f"{granted:.2f}",
        own_funds=f"{approved_own_funds(own_planned, requested, granted):.2f}",
        third_party="0.00",
        revenue="0.00",
    )
    data["income"] = {"own_funds": own_actual, "third_party": "0.00", "revenue": "0.00"}
    category = next(iter(data["notice"]["plan"]))
    data["receipts"] = [
        {
            "number": "1",
            "date": data["notice"]["start"],
            "payee": "P",
            "purpose": "Alles",
            "category": category,
            "amount": receipts_total,
            "kind": "expense",
        }
    ]
    data["notice"]["plan"] = {category: f"{plan_total:.2f}"}
    result = check_report(data, aif(), today=TODAY)
    return Decimal(result.extra["result"]["final_grant"])


@pytest.mark.parametrize("financing_type", ["fehlbedarf", "anteil", "voll", "festbetrag"])
def test_a_reduced_grant_is_settled_in_full_when_the_difference_comes_from_own_funds(
    financing_type,
):
    """The notice says the difference is borne from further own funds; the settlement then
    pays the whole reduced grant – for an Anteilfinanzierung too, which counted the extra
    own funds as an increase of cover before (issue 18)."""
    plan_total = sum(Decimal(v) for v in report()["notice"]["plan"].values())
    own = plan_total - Decimal("500.00")
    assert _settled(financing_type, f"{own:.2f}", f"{plan_total:.2f}") == Decimal("500.00")


def test_savings_are_not_promised_they_lower_a_deficit_grant():
    plan_total = sum(Decimal(v) for v in report()["notice"]["plan"].values())
    own = plan_total - Decimal("500.00")
    spent = plan_total - Decimal("100.00")
    assert _settled("fehlbedarf", f"{own:.2f}", f"{spent:.2f}") < Decimal("500.00")


def test_an_organisation_is_addressed_for_the_attention_of_its_representative():
    found = addressee(
        legal_form="verein",
        name="Kulturverein Elbufer e.V.",
        representative="Jana Beispiel",
        contact_name="Jana Beispiel",
        birth_date=None,
        adult_contact="",
        on=date(2026, 3, 17),
    )
    assert (found.attention, found.represented_by) == ("Jana Beispiel", "Jana Beispiel")
    assert not (found.natural_person)
    assert not (found.group)
    assert not (found.guardians)
    assert not (found.minor)


def test_a_minor_is_never_represented_by_herself_the_notice_goes_to_the_guardians():
    found = addressee(
        legal_form="einzelperson",
        name="Tom Muster",
        representative="Tom Muster",
        contact_name="Tom Muster",
        birth_date=date(2009, 3, 18),  # 17 on the notice's date
        adult_contact="Petra Muster",
        on=date(2026, 3, 17),
    )
    assert found.natural_person
    assert found.minor
    assert found.guardians
    assert found.represented_by == ""
    assert found.minor_name == "Tom Muster"
    # a day later he is of age (§§ 187(2), 188 BGB): no guardians any more
    adult = addressee(
        legal_form="einzelperson",
        name="Tom Muster",
        representative="Tom Muster",
        contact_name="Tom Muster",
        birth_date=date(2008, 3, 17),
        adult_contact="",
        on=date(2026, 3, 17),
    )
    assert not adult.minor
    assert not adult.guardians


def test_a_group_without_legal_form_is_its_natural_persons_addressed_to_the_adult_contact():
    found = addressee(
        legal_form="initiative",
        name="Jugendinitiative Filmriss",
        representative="Lea Beispiel",
        contact_name="Lea Beispiel",
        birth_date=date(2009, 5, 1),
        adult_contact="Petra Muster",
        on=date(2026, 3, 17),
    )
    assert found.group
    assert found.minor
    assert not found.guardians
    assert found.attention == "Petra Muster"
    assert [(p.name, p.minor, p.adult_contact) for p in found.persons] == [
        ("Lea Beispiel", True, False),
        ("Petra Muster", False, True),
    ]
    # without an adult contact the minor's guardians receive it
    alone = addressee(
        legal_form="initiative",
        name="Jugendinitiative Filmriss",
        representative="Lea Beispiel",
        contact_name="Lea Beispiel",
        birth_date=date(2009, 5, 1),
        adult_contact="",
        on=date(2026, 3, 17),
    )
    assert alone.guardians
    assert alone.minor_name == "Lea Beispiel"


def test_every_error_an_application_can_have_has_a_reason_sentence():
    application_errors = {
        rule.code
        for rule in all_rules()
        if rule.kind.key == "application" and rule.severity == "error"
    }
    assert application_errors - set(REJECTION_REASONS) == set()


def test_rejection_reasons_carry_no_instructions_of_the_form():
    data = application()
    data["applicant"]["iban"] = "DE00 1234"
    data["costs"][0]["amount"] = "999.00"
    data["declarations"]["not_started"] = False
    del data["project"]["title"]
    del data["applicant"]["street"]
    findings = check_application(data, aif(), today=TODAY).findings
    assert any("Bitte" in f.message.render(BabelLocalizer()) for f in findings)

    reasons = [r.render(BabelLocalizer()) for r in rejection_reasons(findings)]

    assert reasons[0].startswith("Der Antrag ist unvollständig; es fehlen folgende Angaben: ")
    assert "Projekttitel" in reasons[0]
    assert "Straße und Hausnummer" in reasons[0]
    assert "Die im Antrag angegebene IBAN ist ungültig." in reasons
    assert all("Bitte" not in reason and "bitte" not in reason for reason in reasons)
    # warnings are no reasons; each sentence once
    assert len(reasons) == len(set(reasons))
    assert not any("vorzeitigen" in reason for reason in reasons)
