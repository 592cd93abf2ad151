"""Cases fixtures: the small registry with citizens' accounts, programs and enrolments."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from bansos.portal.models import Citizen
from bansos.programs.models import Enrollment, Program

# A valid NIK of a woman born 12-03-1988 in Kec. Genteng (35.10.09), not in the registry.
NEW_NIK = "3510095203880007"
NEW_KK = "3510091203150099"


@pytest.fixture
def citizen(small_registry):
    """Factory: citizen(name) -> the verified portal user of that registry person."""
    def make(name: str):
        person = small_registry[name]
        user = get_user_model().objects.create_user(username=f"warga-{person.pk}", password="pass-for-tests-1")
        Citizen.objects.create(user=user, person=person, verified_at=timezone.now())
        return user
    return make


@pytest.fixture
def programs(db):
    for code in ("PKH", "SEMBAKO", "PBIJK", "PIP", "BLT"):
        Program.objects.get_or_create(code=code, defaults={"name": code})


@pytest.fixture
def enrolled(programs):
    """Factory: enrolled(household, program) -> an active enrolment (the family is a recipient)."""
    def make(household, program: str = "SEMBAKO"):
        # The cycle keys are not enforced by the database (bulk-written table): a recipient's
        # standing is all a case needs.
        return Enrollment.objects.create(program_id=program, household=household, since_id=1, last_cycle_id=1)
    return make


def photo(name: str = "ktp.png", *, exif: bool = False) -> SimpleUploadedFile:
    image = Image.new("RGB", (64, 40), (200, 30, 30))
    out = io.BytesIO()
    if exif:
        data = image.getexif()
        data[0x010F] = "CameraMaker"  # Make
        image.save(out, format="JPEG", exif=data)
        return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")
    image.save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def pdf(name: str = "berita-acara.pdf") -> SimpleUploadedFile:
    body = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    return SimpleUploadedFile(name, body, content_type="application/pdf")
