"""Evidence uploads: size and type limits checked on the bytes (not the name or the browser's
word), photos re-encoded to JPEG (which drops hidden content and the location and camera data
of EXIF), PDFs kept as they are; stored under MEDIA_ROOT (outside any web root) by a random name
and served only through `views.document_download`, which checks who asks."""

from __future__ import annotations

import hashlib
import io
import secrets
from pathlib import Path

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from PIL import Image, ImageOps, UnidentifiedImageError

from bansos.cases.models import Case, CaseDocument

MAX_BYTES = 5 * 1024 * 1024
MAX_SIDE = 1600  # pixels: enough to read a KTP, small for a cheap phone's data plan
IMAGE_TYPES = {"image/jpeg", "image/png", "image/webp"}
PDF_KINDS = {CaseDocument.DocKind.LETTER, CaseDocument.DocKind.MINUTES, CaseDocument.DocKind.ELECTRICITY,
             CaseDocument.DocKind.OTHER}
Image.MAX_IMAGE_PIXELS = 40_000_000  # refuse decompression bombs


class UploadError(ValueError):
    """A file refused; the message is bilingual."""


def _reencode(data: bytes) -> bytes:
    try:
        with Image.open(io.BytesIO(data)) as image:
            image = ImageOps.exif_transpose(image).convert("RGB")
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            out = io.BytesIO()
            image.save(out, format="JPEG", quality=80, optimize=True)
            return out.getvalue()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise UploadError(f"gambar tidak dapat dibaca / the image cannot be read ({type(error).__name__})") from None


def document_store(*, case: Case, kind: str, upload: UploadedFile, by: str, public: bool = True) -> CaseDocument:
    """Check, clean and store one upload for `case`."""
    if kind not in CaseDocument.DocKind.values:
        raise UploadError(f"jenis dokumen tidak dikenal / unknown document kind: {kind}")
    if upload.size is not None and upload.size > MAX_BYTES:
        raise UploadError("berkas lebih dari 5 MB / file larger than 5 MB")
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise UploadError("berkas lebih dari 5 MB / file larger than 5 MB")
    guessed = filetype.guess(data)
    mime = guessed.mime if guessed else ""
    if mime in IMAGE_TYPES:
        data, mime, ext = _reencode(data), "image/jpeg", "jpg"
    elif mime == "application/pdf" and kind in PDF_KINDS:
        ext = "pdf"
    else:
        allowed = "JPEG, PNG, WebP" + (", PDF" if kind in PDF_KINDS else "")
        raise UploadError(f"jenis berkas tidak diterima, gunakan {allowed} / file type not accepted, use {allowed}")
    relative = Path("cases") / str(case.pk) / f"{secrets.token_hex(16)}.{ext}"
    target = Path(settings.MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return CaseDocument.objects.create(case=case, kind=kind, path=str(relative), content_type=mime,
                                       size=len(data), sha256=hashlib.sha256(data).hexdigest(),
                                       uploaded_by=by, public=public)


def document_path(document: CaseDocument) -> Path:
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / document.path).resolve()
    if root not in path.parents:  # a stored path never leaves the upload root
        raise UploadError("lokasi berkas tidak sah / invalid file location")
    return path
