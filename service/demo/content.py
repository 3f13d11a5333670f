"""The demo partnership's people, applications and sessions (all fictional).

Everything is written for 2026 (:data:`service.demo.STORY_YEAR`); the loader moves it by whole
weeks into the year it is loaded for (``DemoApplication.shifted``, ``DemoMeeting.shifted``,
:func:`service.demo.calendar_shift`). An application's ``fund`` is the prefix of its fund's
key ("AIF", "JF").

Applications are written in the interchange shape, so loading them goes through the same
parser as an import. Amounts of cost lines are computed from quantity × unit price, as the
rules require. Names are obvious placeholders; e-mail domains end in ``.example``; the IBANs
carry valid check digits but belong to no one known.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, time, timedelta
from decimal import Decimal
from typing import Any

from ..domain.money import to_json_money
from . import DemoFund

BGA = "Begleitausschuss Boizenburg/Elbe – Lübtheen"
JUGENDFORUM = "Jugendforum Boizenburg/Elbe – Lübtheen"
KUF_CONTACT = "K. Beispiel"
RATHAUS = "Rathaus Boizenburg, Kirchplatz 1"

# The funds, the committee that decides each (the guideline's fund.deciding_body) and their
# sessions in 2026: the Begleitausschuss on Tuesdays, the Jugendforum on Wednesdays, in spring,
# early summer, September and November. With 14 and 7 days' lead there is a deadline ahead on
# every day until early November; from November the next year's funds are there
# (service/demo/__init__.py).
AIF = DemoFund(
    "AIF",
    "guideline-aif.toml",
    BGA,
    (date(2026, 3, 10), date(2026, 5, 12), date(2026, 9, 8), date(2026, 11, 10)),
    budget_line="1.1.1.3.01 – 533100",
)
JF = DemoFund(
    "JF",
    "guideline-jf.toml",
    JUGENDFORUM,
    (date(2026, 4, 15), date(2026, 6, 17), date(2026, 9, 16), date(2026, 11, 18)),
    budget_line="1.1.1.3.01 – 533110",
)
FUNDS: dict[str, DemoFund] = {fund.prefix: fund for fund in (AIF, JF)}


@dataclass(frozen=True)
class DemoMember:
    name: str
    organisation: str
    sector: str
    voting: bool = True
    chair: bool = False
    deputy_for: str | None = None


@dataclass(frozen=True)
class DemoCommittee:
    name: str
    body: str
    members: tuple[DemoMember, ...]


COMMITTEES = (
    DemoCommittee(
        BGA,
        "begleitausschuss",
        (
            DemoMember("Anna Beispiel", "Kulturverein Elbufer e.V.", "civil", chair=True),
            DemoMember("Ben Muster", "Jugendclub Lübtheen e.V.", "civil"),
            DemoMember("Clara Platzhalter", "Ev.-Luth. Kirchengemeinde Beispielhagen", "civil"),
            DemoMember("David Exempel", "SV Blau-Weiß Beispielstadt e.V.", "civil"),
            DemoMember("Erika Mustermann", "Stadt Boizenburg/Elbe, Fachdienst Bildung", "admin"),
            DemoMember("Felix Vorlage", "Stadt Lübtheen, Bürgeramt", "admin"),
            DemoMember("Greta Probe", "Landkreis, Jugendamt", "admin"),
            DemoMember(
                "Hanna Ersatz", "Kulturverein Elbufer e.V.", "civil", False, False, "Anna Beispiel"
            ),
            DemoMember(
                "Ilja Vertreter",
                "Stadt Boizenburg/Elbe, Fachdienst Bildung",
                "admin",
                False,
                False,
                "Erika Mustermann",
            ),
            DemoMember(
                "Jonas Stellvertreter",
                "Stadt Lübtheen, Bürgeramt",
                "admin",
                False,
                False,
                "Felix Vorlage",
            ),
        ),
    ),
    DemoCommittee(
        JUGENDFORUM,
        "jugendforum",
        (
            DemoMember("Mia Probe", "Schülervertretung Boizenburg", "civil", chair=True),
            DemoMember("Finn Exempel", "Jugendclub Lübtheen e.V.", "civil"),
            DemoMember("Nele Platzhalter", "Jugendfeuerwehr Beispielhagen", "civil"),
            DemoMember("Emil Vorlage", "Schülervertretung Lübtheen", "civil"),
            DemoMember("Sara Beispiel", "Evangelische Jugend Beispielhagen", "civil"),
        ),
    ),
)


def _applicant(
    name: str,
    legal_form: str,
    street: str,
    postal_code: str,
    city: str,
    representative: str,
    contact_name: str,
    email: str,
    phone: str,
    iban: str,
    account_holder: str | None = None,
    birth_date: str | None = None,
    adult_contact: dict[str, str] | None = None,
) -> dict[str, Any]:
    return {
        "name": name,
        "legal_form": legal_form,
        "street": street,
        "postal_code": postal_code,
        "city": city,
        "representative": representative,
        "contact_name": contact_name,
        "email": email,
        "phone": phone,
        "iban": iban,
        "account_holder": account_holder or name,
        "vat_deductible": False,
        "birth_date": birth_date,
        "adult_contact": adult_contact,
    }


BOIZENBURG = ("19258", "Boizenburg/Elbe")
LUEBTHEEN = ("19249", "Lübtheen")

APPLICANTS: dict[str, dict[str, Any]] = {
    "elbufer": _applicant(
        "Kulturverein Elbufer e.V.", "verein", "Elbstraße 4", *BOIZENBURG,
        "Jana Beispiel", "Jana Beispiel", "kontakt@elbufer.example", "038847 0000-11",
        "DE02120300000000202051",
    ),
    "kirche": _applicant(
        "Ev.-Luth. Kirchengemeinde Beispielhagen", "kirchengemeinde", "Kirchstraße 2",
        *BOIZENBURG, "Ruth Probe", "Ruth Probe", "gemeinde@beispielhagen.example",
        "038847 0000-12", "DE75120300001020304050",
    ),
    "luebtheen_bunt": _applicant(
        "Initiative „Lübtheen bunt“", "initiative", "Mühlenweg 5", *LUEBTHEEN,
        "Paul Platzhalter", "Paul Platzhalter", "mitmachen@luebtheen-bunt.example",
        "038855 0000-13", "DE56120300002040608010", "Paul Platzhalter",
    ),
    "geschichte": _applicant(
        "Geschichtswerkstatt Elbe-Heide e.V.", "verein", "Reichenstraße 12", *BOIZENBURG,
        "Otto Exempel", "Lina Exempel", "info@geschichtswerkstatt.example", "038847 0000-14",
        "DE61370400441122334455",
    ),
    "miteinander": _applicant(
        "Miteinander Boizenburg e.V.", "verein", "Bahnhofstraße 9", *BOIZENBURG,
        "Samira Beispiel", "Samira Beispiel", "hallo@miteinander-boizenburg.example",
        "038847 0000-15", "DE75430609674711081500",
    ),
    "jugendclub": _applicant(
        "Jugendclub Lübtheen e.V.", "verein", "Schulstraße 2", *LUEBTHEEN,
        "Karl Muster", "Mira Muster", "team@jugendclub-luebtheen.example", "038855 0000-16",
        "DE66120300003141592653",
    ),
    "foerderverein": _applicant(
        "Förderverein der Regionalen Schule Beispielfeld e.V.", "verein", "Schulweg 1",
        *BOIZENBURG, "Ingrid Vorlage", "Tim Vorlage", "foerderverein@schule-beispielfeld.example",
        "038847 0000-17", "DE68370400442718281828",
    ),
    "sportverein": _applicant(
        "SV Blau-Weiß Beispielstadt e.V.", "verein", "Sportplatzweg 7", *BOIZENBURG,
        "Uwe Platzhalter", "Nora Platzhalter", "vorstand@blau-weiss.example", "038847 0000-18",
        "DE62500105171357924680",
    ),
    "theater": _applicant(
        "Theatergruppe Spielraum", "initiative", "Am Hafen 7", *BOIZENBURG,
        "Ella Exempel", "Ella Exempel", "spielraum@theater.example", "038847 0000-19",
        "DE89430609679988776655", "Ella Exempel",
    ),
    "podcast": _applicant(
        "Podcastwerkstatt Elbe-Heide e.V.", "verein", "Hafenstraße 1", *BOIZENBURG,
        "Max Mustermann", "Max Mustermann", "redaktion@podcastwerkstatt.example",
        "038847 0000-20", "DE98120300005566778899",
    ),
    "bahnhof": _applicant(
        "Nachbarschaftsinitiative Bahnhofsviertel", "initiative", "Bahnhofsplatz 2",
        *BOIZENBURG, "Erik Beispiel", "Erik Beispiel", "nachbarn@bahnhofsviertel.example",
        "038847 0000-21", "DE80370400446677889900", "Erik Beispiel",
    ),
    "filmriss": _applicant(
        "Jugendinitiative Filmriss", "initiative", "Lindenstraße 4", *LUEBTHEEN,
        "Lea Beispiel", "Lea Beispiel", "filmriss@jugend.example", "0170 0000022",
        "DE11500105171212121212", "Lea Beispiel", birth_date="2007-03-14",
    ),
    "tom": _applicant(
        "Tom Muster", "einzelperson", "Gartenweg 3", *BOIZENBURG,
        "Tom Muster", "Tom Muster", "tom@muster.example", "0170 0000023",
        "DE54430609673434343434", "Petra Muster", birth_date="2010-05-02",
        adult_contact={
            "name": "Petra Muster", "email": "petra@muster.example", "phone": "0170 0000024",
        },
    ),
    "schuelervertretung": _applicant(
        "Schülervertretung der Regionalen Schule Beispielfeld", "schule", "Schulweg 1",
        *BOIZENBURG, "Emma Probe", "Emma Probe", "sv@schule-beispielfeld.example", "",
        "", "", birth_date="2011-01-20",
    ),
}  # fmt: skip


def line(
    category: str,
    description: str,
    quantity: str | None = None,
    unit: str | None = None,
    unit_price: str | None = None,
    amount: str | None = None,
    offers: int = 0,
) -> dict[str, Any]:
    """A cost line; without ``amount`` it is quantity × unit price."""
    data: dict[str, Any] = {"category": category, "description": description}
    if quantity is not None and unit_price is not None:
        data.update(quantity=quantity, unit=unit, unit_price=unit_price)
        amount = amount or to_json_money(Decimal(quantity) * Decimal(unit_price))
    data["amount"] = amount
    data["offers"] = offers
    return data


def _financing(
    own: str, requested: str, revenue: str = "0.00", third: tuple[tuple[str, str], ...] = ()
) -> dict[str, Any]:
    return {
        "own_funds": own,
        "third_party": [{"source": source, "amount": amount} for source, amount in third],
        "revenue": revenue,
        "requested": requested,
    }


ALL_DECLARED = dict.fromkeys(
    (
        "not_started",
        "no_double_funding",
        "anbest_acknowledged",
        "data_correct",
        "publicity",
        "privacy_consent",
    ),
    True,
)


def _shift_iso(value: str | None, shift: timedelta) -> str | None:
    return (date.fromisoformat(value) + shift).isoformat() if value else value


def applicant_data(key: str, shift: timedelta = timedelta(0)) -> dict[str, Any]:
    """The applicant ``key`` as in the interchange, the birth date moved by ``shift`` (the
    youth fund's applicants keep their age)."""
    data = dict(APPLICANTS[key])
    data["birth_date"] = _shift_iso(data["birth_date"], shift)
    return data


@dataclass(frozen=True)
class DemoApplication:
    key: str
    fund: str  # the fund's prefix: "AIF", "JF"
    applicant: str
    state: str
    project: dict[str, Any]
    costs: list[dict[str, Any]]
    financing: dict[str, Any]
    submitted_on: str | None = None
    info_due_on: date | None = None
    declarations: dict[str, bool] = field(default_factory=lambda: dict(ALL_DECLARED))
    # a file in a final state (rejected, withdrawn): the day it ended (the retention's anchor)
    ended_on: date | None = None
    # how far this copy is moved from 2026 (the applicant's birth date moves too)
    shift: timedelta = timedelta(0)

    def shifted(self, shift: timedelta) -> DemoApplication:
        """This application with every date moved by ``shift``."""
        if not shift:
            return self
        project = dict(self.project)
        project["start"] = _shift_iso(project["start"], shift)
        project["end"] = _shift_iso(project["end"], shift)
        return replace(
            self,
            project=project,
            submitted_on=_shift_iso(self.submitted_on, shift),
            info_due_on=self.info_due_on + shift if self.info_due_on else None,
            ended_on=self.ended_on + shift if self.ended_on else None,
            shift=self.shift + shift,
        )

    def interchange(self, fund_key: str) -> dict[str, Any]:
        data: dict[str, Any] = {"fund": fund_key}
        if self.submitted_on:
            data["submitted_on"] = self.submitted_on
        data.update(
            applicant=applicant_data(self.applicant, self.shift),
            project=self.project,
            costs=self.costs,
            financing=self.financing,
            declarations=self.declarations,
        )
        return data


def _project(
    title: str,
    summary: str,
    goals: str,
    fields: list[str],
    groups: list[str],
    location: str,
    start: str | None,
    end: str | None,
    participants: int | None,
) -> dict[str, Any]:
    return {
        "title": title,
        "summary": summary,
        "goals": goals,
        "fields_of_action": fields,
        "target_groups": groups,
        "location": location,
        "start": start,
        "end": end,
        "participants_planned": participants,
        "early_start_requested": False,
    }


APPLICATIONS: tuple[DemoApplication, ...] = (
    DemoApplication(
        "fest", "AIF", "elbufer", "approved",
        _project(
            "Demokratiefest am Elbufer",
            "Ein Nachmittag mit Workshops, Musik und Gesprächen über das Zusammenleben in der "
            "Stadt.",
            "Jugendliche und Eltern kommen ins Gespräch mit Vereinen und Verwaltung.",
            ["demokratiefoerderung"], ["jugendliche", "eltern"],
            "Boizenburg/Elbe", "2026-05-01", "2026-06-30", 120,
        ),
        [
            line("honorare", "Workshopleitung", "8", "h", "60.00"),
            line("sachausgaben", "Moderationsmaterial", amount="120.00"),
            line("oeffentlichkeitsarbeit", "Plakate und Flyer", amount="250.00"),
        ],
        _financing("100.00", "600.00", third=(("Sparkassenstiftung", "150.00"),)),
        submitted_on="2026-02-20",
    ),
    DemoApplication(
        "stammtisch", "AIF", "kirche", "approved",
        _project(
            "Stammtischparolen – und jetzt? Argumentationstraining für Ehrenamtliche",
            "Zweitägiges Training: Wie reagiere ich im Verein, in der Familie oder beim "
            "Einkaufen auf menschenfeindliche Sprüche?",
            "25 Ehrenamtliche können Parolen erkennen, ruhig widersprechen und geben ihr "
            "Wissen in ihren Gruppen weiter.",
            ["extremismuspraevention", "demokratiefoerderung"],
            ["ehrenamtliche", "multiplikatoren"],
            "Gemeindehaus Beispielhagen", "2026-04-11", "2026-04-25", 25,
        ),
        [
            line("honorare", "Zwei Trainerinnen, je 12 Stunden", "24", "h", "55.00", offers=3),
            line("verpflegung", "Mittagessen und Getränke, zwei Tage", "50", "Portion", "8.00"),
            line("miete", "Gemeinderaum mit Technik", "2", "Tag", "75.00"),
            line("oeffentlichkeitsarbeit", "Flyer und Anzeigen", amount="180.00"),
        ],
        _financing("150.00", "1800.00", revenue="100.00"),
        submitted_on="2026-02-18",
    ),
    DemoApplication(
        "plakate", "AIF", "luebtheen_bunt", "rejected",
        _project(
            "Plakataktion „Lübtheen hält zusammen“",
            "200 Plakate mit Porträts von Menschen, die sich in Lübtheen engagieren.",
            "Engagement sichtbar machen und zum Mitmachen einladen.",
            ["vielfaltgestaltung"], ["allgemeine-oeffentlichkeit"],
            "Lübtheen", "2026-04-01", "2026-05-31", 2000,
        ),
        [
            line("oeffentlichkeitsarbeit", "Druck von 200 Plakaten A1", "200", "Stück", "4.75"),
            line("honorare", "Gestaltung der Plakate", "1", "Pauschale", "400.00"),
        ],
        _financing("0.00", "1150.00", third=(("Bürgerstiftung Beispielstadt", "200.00"),)),
        submitted_on="2026-02-23",
        ended_on=date(2026, 3, 10),
    ),
    DemoApplication(
        "erzaehlcafe", "AIF", "geschichte", "deferred",
        _project(
            "Erzählcafé „Wendezeiten“ – Boizenburger erinnern sich",
            "Vier Nachmittage, an denen Ältere und Jüngere über die Jahre 1989 bis 1995 in "
            "Boizenburg sprechen; die Gespräche werden aufgezeichnet.",
            "Generationen kommen ins Gespräch; eine kleine Broschüre hält die Erinnerungen fest.",
            ["demokratiefoerderung"], ["allgemeine-oeffentlichkeit", "junge-erwachsene"],
            "Boizenburg/Elbe", "2026-06-01", "2026-10-31", 80,
        ),
        [
            line("honorare", "Moderation, vier Termine", "4", "Termin", "120.00"),
            line("verpflegung", "Kaffee und Kuchen", "120", "Portion", "4.50"),
            line("sachausgaben", "Aufnahmegerät und Material", amount="260.00"),
            line("oeffentlichkeitsarbeit", "Einladungen und Broschüre", amount="200.00"),
        ],
        _financing("150.00", "1330.00"),
        submitted_on="2026-04-20",
    ),
    DemoApplication(
        "kochbuch", "AIF", "miteinander", "approved",
        _project(
            "Gemeinsam kochen, gemeinsam reden – ein interkulturelles Kochbuch",
            "Sechs Kochabende mit Familien aus acht Ländern; Rezepte und Geschichten werden "
            "zu einem Kochbuch.",
            "Nachbarinnen und Nachbarn lernen sich kennen; das Kochbuch erzählt von Vielfalt "
            "in der Stadt.",
            ["vielfaltgestaltung"], ["eltern", "allgemeine-oeffentlichkeit"],
            "Boizenburg/Elbe", "2026-06-01", "2026-09-30", 60,
        ),
        [
            line("verpflegung", "Lebensmittel für sechs Kochabende", "6", "Abend", "60.00"),
            line("miete", "Schulküche", "6", "Abend", "40.00"),
            line("honorare", "Fotografin", "1", "Pauschale", "350.00"),
            line("oeffentlichkeitsarbeit", "Druck von 200 Kochbüchern", "200", "Stück", "4.90"),
        ],
        _financing("200.00", "1730.00"),
        submitted_on="2026-04-24",
    ),
    DemoApplication(
        "gedenkstaette", "AIF", "jugendclub", "on_agenda",
        _project(
            "Gedenkstättenfahrt nach Neuengamme",
            "Tagesfahrt mit 30 Jugendlichen zur KZ-Gedenkstätte Neuengamme mit Führung und "
            "Nachbereitung im Jugendclub.",
            "Die Jugendlichen kennen die Geschichte des Lagers und sprechen über Ausgrenzung "
            "heute.",
            ["extremismuspraevention", "demokratiefoerderung"], ["jugendliche"],
            "Lübtheen und Hamburg", "2026-09-15", "2026-10-15", 30,
        ),
        [
            line("reisekosten", "Busanmietung, Hin- und Rückfahrt", "1", "Fahrt", "890.00"),
            line("honorare", "Pädagogische Begleitung in der Gedenkstätte", amount="150.00"),
            line("verpflegung", "Lunchpakete", "30", "Stück", "8.00"),
        ],
        _financing("130.00", "1150.00"),
        submitted_on="2026-08-14",
    ),
    DemoApplication(
        "planspiel", "AIF", "foerderverein", "in_check",
        _project(
            "Kommunalpolitik zum Anfassen – Planspiel Stadtvertretung",
            "Schülerinnen und Schüler der Klassen 8 bis 10 spielen eine Sitzung der "
            "Stadtvertretung nach und befragen danach echte Stadtvertreterinnen.",
            "Die Jugendlichen wissen, wie Entscheidungen in ihrer Stadt fallen und wie sie "
            "sich einbringen können.",
            ["demokratiefoerderung"], ["jugendliche"],
            "Regionale Schule Beispielfeld", "2026-09-21", "2026-10-30", 50,
        ),
        [
            line("honorare", "Planspielleitung", "6", "h", "90.00"),
            line("sachausgaben", "Material und Namensschilder", amount="180.00"),
            line("reisekosten", "Fahrt der Referentin", "120", "km", "0.20"),
            line("oeffentlichkeitsarbeit", "Dokumentation", amount="120.00"),
        ],
        _financing("90.00", "774.00"),
        submitted_on="2026-08-20",
    ),
    DemoApplication(
        "turnier", "AIF", "sportverein", "info_requested",
        _project(
            "Fair-Play-Turnier gegen Rassismus",
            "Fußballturnier für gemischte Teams aus Vereinen und Gemeinschaftsunterkunft mit "
            "Fair-Play-Wertung.",
            "Kinder und Jugendliche verschiedener Herkunft spielen zusammen; Regeln für "
            "faires Miteinander werden gemeinsam aufgestellt.",
            ["vielfaltgestaltung", "extremismuspraevention"], ["kinder", "jugendliche"],
            "Sporthalle Boizenburg", "2026-09-26", "2026-09-27", 100,
        ),
        [
            line("miete", "Sporthalle, zwei Tage", "2", "Tag", "90.00"),
            line("honorare", "Trainer und Schiedsrichter", "8", "h", "25.00"),
            line("sachausgaben", "Bälle und Fair-Play-Medaillen", amount="420.00"),
            line("verpflegung", "Verpflegung der Teams", "60", "Portion", "4.00"),
            line("oeffentlichkeitsarbeit", "Banner und Plakate", amount="150.00"),
        ],
        _financing(
            "120.00", "970.00", third=(("Stiftung der Sparkasse Beispielstadt", "100.00"),)
        ),
        submitted_on="2026-08-10",
        info_due_on=date(2026, 8, 28),
    ),
    DemoApplication(
        "forumtheater", "AIF", "theater", "submitted",
        _project(
            "Forumtheater „Was würdest du tun?“",
            "Szenen aus dem Alltag, in denen jemand ausgegrenzt wird; das Publikum greift ein "
            "und spielt andere Wege aus.",
            "Zuschauende üben, in schwierigen Situationen Haltung zu zeigen.",
            ["demokratiefoerderung", "extremismuspraevention"],
            ["junge-erwachsene", "allgemeine-oeffentlichkeit"],
            "Boizenburg/Elbe", "2026-09-20", "2026-11-15", 150,
        ),
        [
            line("honorare", "Theaterpädagogin", "10", "h", "75.00"),
            line("miete", "Probenraum", "3", "Tag", "60.00"),
            line("sachausgaben", "Requisiten", amount="150.00"),
            line("oeffentlichkeitsarbeit", "Plakate", amount="100.00"),
        ],
        _financing("0.00", "1060.00", revenue="120.00"),
        submitted_on="2026-08-24",
    ),
    DemoApplication(
        "podcast", "AIF", "podcast", "withdrawn",
        _project(
            "Podcast-Reihe „Stimmen vom Land“",
            "Sechs Folgen mit Menschen, die im ländlichen Raum Demokratie leben.",
            "Zuhörende lernen Engagement in der Region kennen.",
            ["demokratiefoerderung"], ["allgemeine-oeffentlichkeit"],
            "Boizenburg/Elbe", "2026-06-01", "2026-09-30", 500,
        ),
        [
            line("honorare", "Schnitt und Produktion", "8", "h", "45.00"),
            line("sachausgaben", "Mikrofone", "2", "Stück", "89.00"),
            line("oeffentlichkeitsarbeit", "Bekanntmachung", amount="90.00"),
        ],
        _financing("80.00", "548.00"),
        submitted_on="2026-04-22",
        ended_on=date(2026, 5, 4),
    ),
    DemoApplication(
        "picknick", "AIF", "bahnhof", "draft",
        _project(
            "Demokratie-Picknick im Bahnhofsviertel",
            "", "", ["demokratiefoerderung"], [], "Bahnhofsplatz Boizenburg",
            "2026-09-05", None, None,
        ),
        [line("verpflegung", "Picknick für die Nachbarschaft", amount="300.00")],
        {"own_funds": None, "third_party": [], "revenue": None, "requested": "300.00"},
        declarations=dict.fromkeys(ALL_DECLARED, False),
    ),
    DemoApplication(
        "openair", "JF", "filmriss", "approved",
        _project(
            "Open-Air-Kino „Film ab für Vielfalt“",
            "Drei Filmabende im Schlosspark mit Filmen über Freundschaft über Grenzen hinweg; "
            "Jugendliche wählen die Filme aus und moderieren die Gespräche danach.",
            "Jugendliche organisieren selbst eine Veranstaltung für ihren Ort.",
            ["vielfaltgestaltung"], ["jugendliche", "junge-erwachsene"],
            "Lübtheen", "2026-06-01", "2026-08-31", 150,
        ),
        [
            line("miete", "Leinwand und Beamer", amount="280.00"),
            line("sachausgaben", "Filmlizenzen", amount="180.00"),
            line("verpflegung", "Popcorn und Getränke", "150", "Portion", "1.00"),
            line("oeffentlichkeitsarbeit", "Plakate", amount="80.00"),
        ],
        _financing("40.00", "650.00"),
        submitted_on="2026-04-02",
    ),
    DemoApplication(
        "graffiti", "JF", "tom", "submitted",
        _project(
            "Graffiti-Workshop am Skaterpark",
            "Zweitägiger Workshop, in dem Jugendliche die Wand am Skaterpark gestalten.",
            "Jugendliche gestalten ihren Treffpunkt und einigen sich gemeinsam auf ein Motiv.",
            ["vielfaltgestaltung"], ["jugendliche"],
            "Skaterpark Boizenburg", "2026-07-01", "2026-08-15", 15,
        ),
        [
            line("honorare", "Graffiti-Künstlerin", "2", "Tag", "150.00"),
            line("sachausgaben", "Sprühdosen und Schutzmasken", "60", "Stück", "4.50"),
            line("verpflegung", "Getränke und Snacks", amount="60.00"),
        ],
        _financing("0.00", "630.00"),
        submitted_on="2026-06-05",
    ),
    DemoApplication(
        "schulpodcast", "JF", "schuelervertretung", "draft",
        _project(
            "Podcast „Wir reden mit“",
            "Die Schülervertretung interviewt Bürgermeisterinnen, Vereine und Mitschüler.",
            "", ["demokratiefoerderung"], ["jugendliche"], "Boizenburg/Elbe",
            None, None, 20,
        ),
        [line("sachausgaben", "Mikrofone und Aufnahmegerät", amount="240.00")],
        _financing("0.00", "240.00"),
        declarations=dict.fromkeys(ALL_DECLARED, False),
    ),
)  # fmt: skip


@dataclass(frozen=True)
class DemoItem:
    application: str
    outcome: str
    proposed_amount: str | None
    amount: str | None = None
    conditions: str = ""
    reasons: str = ""
    conflicts: dict[str, str] = field(default_factory=dict)
    votes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class DemoMeeting:
    committee: str
    held_on: date
    place: str
    items: tuple[DemoItem, ...]
    present: tuple[str, ...] = ()
    start_time: time | None = None
    end_time: time | None = None
    next_on: date | None = None

    @property
    def held(self) -> bool:
        return bool(self.present)

    def shifted(self, shift: timedelta) -> DemoMeeting:
        """This session with its dates moved by ``shift``."""
        if not shift:
            return self
        return replace(
            self,
            held_on=self.held_on + shift,
            next_on=self.next_on + shift if self.next_on else None,
        )


MEETINGS: tuple[DemoMeeting, ...] = (
    DemoMeeting(
        BGA, date(2026, 3, 10), RATHAUS,
        present=("Anna Beispiel", "Ben Muster", "Clara Platzhalter", "David Exempel",
                 "Erika Mustermann", "Jonas Stellvertreter"),
        start_time=time(17, 0), end_time=time(19, 15), next_on=date(2026, 5, 12),
        items=(
            DemoItem(
                "fest", "approved", "600.00", "600.00",
                conflicts={"Anna Beispiel": "Vorsitzende des antragstellenden Vereins"},
                votes={"Ben Muster": "yes", "Clara Platzhalter": "yes", "David Exempel": "yes",
                       "Erika Mustermann": "yes", "Jonas Stellvertreter": "abstain"},
            ),
            DemoItem(
                "stammtisch", "approved", "1500.00", "1500.00",
                conditions="Honorare nur gegen Stundennachweis.",
                conflicts={"Clara Platzhalter": "Mitglied des Kirchengemeinderats"},
                votes={"Anna Beispiel": "yes", "Ben Muster": "yes", "David Exempel": "no",
                       "Erika Mustermann": "yes", "Jonas Stellvertreter": "yes"},
            ),
            DemoItem(
                "plakate", "rejected", "1150.00",
                reasons="Eine reine Plakataktion beteiligt die Menschen vor Ort zu wenig. Der "
                "Begleitausschuss regt an, die Plakate mit Gesprächsveranstaltungen zu "
                "verbinden und neu zu beantragen.",
                votes={"Anna Beispiel": "no", "Ben Muster": "yes", "Clara Platzhalter": "no",
                       "David Exempel": "no", "Erika Mustermann": "no",
                       "Jonas Stellvertreter": "abstain"},
            ),
        ),
    ),
    DemoMeeting(
        BGA, date(2026, 5, 12), RATHAUS,
        present=("Anna Beispiel", "Ben Muster", "David Exempel", "Erika Mustermann",
                 "Felix Vorlage", "Greta Probe"),
        start_time=time(17, 0), end_time=time(18, 40), next_on=date(2026, 9, 8),
        items=(
            # deferred on a procedural motion, without a vote on the grant itself
            DemoItem(
                "erzaehlcafe", "deferred", "1330.00",
                reasons="Bitte reichen Sie ein Konzept nach, wie die Gespräche dokumentiert "
                "und veröffentlicht werden.",
            ),
            DemoItem(
                "kochbuch", "approved", "1730.00", "1730.00",
                votes={"Anna Beispiel": "yes", "Ben Muster": "yes", "David Exempel": "yes",
                       "Erika Mustermann": "yes", "Felix Vorlage": "yes",
                       "Greta Probe": "abstain"},
            ),
        ),
    ),
    # the next session: invitations are out, the agenda is set, nothing decided yet
    DemoMeeting(
        BGA, date(2026, 9, 8), RATHAUS,
        items=(DemoItem("gedenkstaette", "", "1150.00"),),
    ),
    DemoMeeting(
        JUGENDFORUM, date(2026, 4, 15), "Jugendclub Lübtheen, Schulstraße 2, 19249 Lübtheen",
        present=("Mia Probe", "Finn Exempel", "Nele Platzhalter", "Emil Vorlage"),
        start_time=time(16, 0), end_time=time(17, 30), next_on=date(2026, 6, 17),
        items=(
            DemoItem(
                "openair", "approved", "650.00", "650.00",
                votes={"Mia Probe": "yes", "Finn Exempel": "yes", "Nele Platzhalter": "yes",
                       "Emil Vorlage": "yes"},
            ),
        ),
    ),
)  # fmt: skip
