"""A payable cycle for payment tests: families in Banyuwangi and in Banda Aceh, each with an
approved entitlement, most with a usable account; some without one, one whose account is in
someone else's name, one in Aceh at a non-BSI bank. Built directly (the registry, a stub scoring
run, the real PKH rule file's text), since payments start where cycles end."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from bansos.areas.services import areas_load
from bansos.payments.models import Account
from bansos.programs.models import Cycle, Entitlement, Program, RuleVersion
from bansos.registry.models import Household, Person
from bansos.targeting.models import PmtVersion, ScoringRun
from bansos.targeting.rules import RULES_DIR

VILLAGE = "35.10.09.2001"
ACEH_VILLAGE = "11.71.01.2001"
NAMES = ["SITI AMINAH", "SUTRISNO", "SRI WAHYUNI", "AGUS SALIM", "NUR HIDAYAH", "BUDI SANTOSO",
         "DEWI LESTARI", "SLAMET RIYADI", "RINA MARLINA", "JOKO SUSILO"]
BANK_CYCLE = ["BRI", "BNI", "MANDIRI", "BTN"]


@dataclass
class Scenario:
    cycle: Cycle
    households: list[Household]
    accounts: dict[int, Account] = field(default_factory=dict)  # household id -> account
    without_account: list[int] = field(default_factory=list)
    mismatch: list[int] = field(default_factory=list)
    aceh_wrong_bank: list[int] = field(default_factory=list)


def account_number(bank: str, n: int) -> str:
    digits = {"BRI": 15, "BNI": 10, "MANDIRI": 13, "BTN": 16, "BSI": 10}[bank]
    return str(10 ** (digits - 1) + 7919 * (n + 1))


def cycle_stub(*, program: str = "PKH", period: str = "2025-Q4") -> Cycle:
    rules_file = next(RULES_DIR.glob(f"{program.lower()}-*.toml"))
    text = rules_file.read_text(encoding="utf-8")
    prog, _ = Program.objects.get_or_create(code=program, defaults={"name": program})
    version, _ = RuleVersion.objects.get_or_create(
        program=prog, version="2025.1",
        defaults={"source": rules_file.name, "sha256": "0" * 64, "body": text, "valid_from": date(2025, 1, 1)})
    pmt, _ = PmtVersion.objects.get_or_create(version="test", defaults={
        "body": "", "sha256": "0" * 64, "fitted_on": date(2025, 1, 1)})
    run = ScoringRun.objects.create(pmt=pmt, status=ScoringRun.Status.DONE)
    return Cycle.objects.create(program=prog, period=period, starts_on=date(2025, 10, 1),
                                ends_on=date(2025, 12, 31), state=Cycle.State.APPROVED,
                                rule_version=version, scoring_run=run, approved_by="test",
                                approved_at=datetime(2025, 10, 1, tzinfo=UTC))


def scenario_build(*, families: int = 24, aceh: int = 3, program: str = "PKH") -> Scenario:
    areas_load(prefixes=["35.10.09", "11.71.01"])
    cycle = cycle_stub(program=program)
    households = []
    scenario = Scenario(cycle=cycle, households=households)
    for n in range(families + aceh):
        in_aceh = n >= families
        village = ACEH_VILLAGE if in_aceh else VILLAGE
        household = Household.objects.create(kk=f"{'1171' if in_aceh else '3510'}09120315{n + 1:04d}",
                                             village_id=village, rw="001", rt="001")
        name = NAMES[n % len(NAMES)]
        head = Person.objects.create(nik=f"{'1171' if in_aceh else '3510'}090101{80 + n % 20:02d}{n + 1:04d}",
                                     full_name=name, sex="P", birth_date=date(1980, 1, 1),
                                     household=household, relationship="head", phone=f"08123456{n:04d}")
        household.head = head
        household.save()
        households.append(household)
        Entitlement.objects.create(cycle=cycle, household=household, amount=750_000 + 1_000 * n,
                                   persons=1, state=Entitlement.State.APPROVED,
                                   district_code=household.district_code)
        if n % 8 == 5:
            scenario.without_account.append(household.pk)
            continue
        bank = "BSI" if in_aceh else BANK_CYCLE[n % 4]
        holder = name
        if n % 8 == 6:
            holder = "KEPALA DESA SUKAMAJU"
            scenario.mismatch.append(household.pk)
        if in_aceh and n == families:
            bank = "BRI"
            scenario.aceh_wrong_bank.append(household.pk)
        number = account_number(bank, n)
        scenario.accounts[household.pk] = Account.objects.create(
            household=household, person=head, bank=bank, number=number, number_last4=number[-4:],
            holder_name=holder, name_check="mismatch" if n % 8 == 6 else "exact",
            name_score=0.4 if n % 8 == 6 else 1.0, source="test")
    cycle.households = len(households)
    cycle.total = sum(750_000 + 1_000 * n for n in range(len(households)))
    cycle.save()
    return scenario
