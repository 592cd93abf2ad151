"""Cases test data: a NIK the registry lacks, and uploads (the citizen, programs and enrolled
fixtures are in tests/conftest.py, shared with the browser journeys)."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

# A valid NIK of a woman born 12-03-1988 in Kec. Genteng (35.10.09), not in the registry.
NEW_NIK = "3510095203880007"
NEW_KK = "3510091203150099"


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
