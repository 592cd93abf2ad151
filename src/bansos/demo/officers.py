"""The demo's officer accounts: one per role, each bound to an area of the demo region."""

from __future__ import annotations

from dataclasses import dataclass

from bansos.areas.models import Area, Role
from bansos.areas.services import officer_create

DEMO_PASSWORD = "bansos-demo-2026"  # noqa: S105 - printed by `bansos demo` on purpose


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    area_code: str
    area_name: str


def demo_officers_create(*, regency: str, district: str, village: str) -> list[DemoLogin]:
    """Create the demo accounts. `regency`, `district` and `village` are dotted codes inside the
    demo region; the village should be one with households so its operator sees data."""
    province = regency.split(".")[0]
    posts = [
        ("kemensos", Role.MINISTRY, "ID", "Pusdatin Kementerian Sosial"),
        ("dinsos.provinsi", Role.PROVINCE, province, "Dinas Sosial Provinsi"),
        ("dinsos.kabupaten", Role.REGENCY, regency, "Dinas Sosial Kabupaten"),
        ("kecamatan", Role.DISTRICT, district, "Kantor Kecamatan"),
        ("operator.desa", Role.VILLAGE_OPERATOR, village, "Pemerintah Desa"),
        ("pendamping.pkh", Role.PKH_FACILITATOR, village, "Pendamping PKH"),
        ("bank.bri", Role.BANK, regency, "BRI Kantor Cabang"),
        ("auditor", Role.AUDITOR, regency, "Inspektorat"),
    ]
    logins = []
    for username, role, code, office in posts:
        officer_create(username=username, password=DEMO_PASSWORD, role=role, area_code=code,
                       full_name=office, office_name=office, bank_code="BRI" if role == Role.BANK else "")
        logins.append(DemoLogin(username=username, role=str(Role(role).label), area_code=code,
                                area_name=Area.objects.get(code=code).name))
    return logins
