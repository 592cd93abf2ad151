"""Forms for filing and working cases: input shapes only; the rules are in services/engine."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from bansos.cases.models import Channel, Kind
from bansos.cases.uploads import MAX_BYTES
from bansos.cases.workflows import COMPLAINT_CATEGORIES, REBUTTAL_REASONS

IMAGE_ACCEPT = "image/jpeg,image/png,image/webp"
LETTER_ACCEPT = IMAGE_ACCEPT + ",application/pdf"


def _file(label, *, required: bool = False, accept: str = IMAGE_ACCEPT) -> forms.FileField:
    return forms.FileField(label=label, required=required, widget=forms.ClearableFileInput(attrs={"accept": accept}),
                           help_text=_("JPEG/PNG/WebP%(pdf)s, paling besar %(mb)s MB") % {
                               "pdf": "/PDF" if "pdf" in accept else "", "mb": MAX_BYTES // (1024 * 1024)})


class ProposalForm(forms.Form):
    relation = forms.ChoiceField(label=_("Siapa yang diusulkan"), choices=[
        ("self", _("Diri sendiri")), ("family", _("Anggota keluarga")), ("other", _("Orang lain"))])
    name = forms.CharField(label=_("Nama lengkap sesuai KTP"), max_length=150)
    nik = forms.CharField(label=_("NIK (16 angka)"), max_length=24,
                          widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    kk = forms.CharField(label=_("Nomor KK (16 angka)"), max_length=24,
                         widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    program = forms.ChoiceField(label=_("Program yang diusulkan"), required=False)
    rw = forms.CharField(label=_("RW"), max_length=3, required=False)
    rt = forms.CharField(label=_("RT"), max_length=3, required=False)
    address = forms.CharField(label=_("Alamat"), max_length=200, required=False)
    details = forms.CharField(label=_("Alasan diusulkan"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)
    ktp = _file(_("Foto KTP"), required=True)
    kk_photo = _file(_("Foto Kartu Keluarga"), required=True)
    selfie = _file(_("Swafoto dengan KTP"))
    house = _file(_("Foto rumah"))
    letter = _file(_("Surat keterangan RT/RW atau SKTM"), accept=LETTER_ACCEPT)
    electricity = _file(_("Rekening listrik"), accept=LETTER_ACCEPT)

    def __init__(self, *args, programs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].choices = [("", _("Semua program yang sesuai"))] + list(programs)


class RebuttalForm(forms.Form):
    reason = forms.ChoiceField(label=_("Alasan sanggahan"), choices=[(k, v[0]) for k, v in REBUTTAL_REASONS.items()])
    details = forms.CharField(label=_("Keterangan"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)
    latitude = forms.FloatField(label=_("Lintang (GPS)"), required=False,
                                widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}))
    longitude = forms.FloatField(label=_("Bujur (GPS)"), required=False,
                                 widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}))
    house = _file(_("Foto rumah yang disanggah"))


class ComplaintForm(forms.Form):
    category = forms.ChoiceField(label=_("Jenis pengaduan"), choices=[(k, v[0]) for k, v in COMPLAINT_CATEGORIES.items()])
    program = forms.ChoiceField(label=_("Program"), required=False)
    details = forms.CharField(label=_("Uraian pengaduan"), widget=forms.Textarea(attrs={"rows": 5}), max_length=2000)
    evidence = _file(_("Bukti (foto atau surat)"), accept=LETTER_ACCEPT)

    def __init__(self, *args, programs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].choices = [("", _("Tidak tertentu"))] + list(programs)


class OfficeComplaintForm(ComplaintForm):
    """A complaint taken by phone, SMS or at the counter, for a caller who may have no account."""

    channel = forms.ChoiceField(label=_("Saluran"), choices=[
        (c.value, c.label) for c in (Channel.CALL_CENTRE, Channel.SMS, Channel.OFFICE)])
    village = forms.ChoiceField(label=_("Desa/kelurahan pelapor"))
    filer_name = forms.CharField(label=_("Nama pelapor"), max_length=150, required=False)
    contact_phone = forms.CharField(label=_("Nomor telepon pelapor (untuk jawaban)"), max_length=20, required=False,
                                    widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}))

    def __init__(self, *args, villages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = list(villages)


class WithdrawalForm(forms.Form):
    program = forms.ChoiceField(label=_("Program yang ingin dilepas"), required=False)
    details = forms.CharField(label=_("Alasan"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000, required=False)
    confirm = forms.BooleanField(label=_("Saya memahami keluarga saya tidak akan menerima bantuan ini lagi"))

    def __init__(self, *args, programs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].choices = [("", _("Semua program"))] + list(programs)


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Jenis dokumen"))
    file = _file(_("Berkas"), required=True, accept=LETTER_ACCEPT)

    def __init__(self, *args, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = list(kinds)


class QueueFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Jenis"), required=False, choices=[("", _("Semua"))] + list(Kind.choices))
    scope = forms.ChoiceField(label=_("Tampilkan"), required=False, choices=[
        ("mine", _("Tugas peran saya")), ("area", _("Semua kasus terbuka di wilayah saya")),
        ("overdue", _("Melewati tenggat")), ("closed", _("Termasuk yang selesai"))])
