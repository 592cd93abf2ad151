"""Citizen self-service pages: sign up, confirm the phone with a code, sign in and out, and the
account's pages (family, inbox, village recipients, access log). Thin: the rules are in
`signup` (writes) and `account_queries` (reads). Every page works without JavaScript.

Rate limits (django-ratelimit, counted in the default cache per client address; a client over
the limit gets the page again with status 429): the sign-up, code and login forms, and the
login also per NIK, so one account cannot be guessed at from many addresses."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import login, logout
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from bansos.core.identifiers import parse_nik
from bansos.core.masking import mask_phone
from bansos.core.protected import blind_index
from bansos.notify.outbox import inbox_mark_read
from bansos.payments.queries import payment_history
from bansos.portal import account_queries as queries
from bansos.portal import signup
from bansos.portal.citizens import citizen_required
from bansos.programs.queries import household_decisions, household_welfare

PAGE_SIZE = 25
RATE_SIGNUP = "20/h"
RATE_CODE = "30/h"
RATE_RESEND = "10/h"
RATE_LOGIN_IP = "30/h"
RATE_LOGIN_NIK = "10/h"
OTP_SESSION = "portal.otp"
OTP_DEMO_SESSION = "portal.otp_demo"
_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _too_many() -> str:
    return gettext("Terlalu banyak percobaan dari jaringan Anda. Tunggu beberapa saat, lalu coba lagi.")


def _wait_text(wait: signup.OtpTooSoon) -> str:
    return gettext("Kode baru dapat diminta lagi dalam %(n)s detik.") % {"n": wait.wait_seconds}


def _nik_key(group, request) -> str:
    """Rate-limit key of a login: the NIK's blind index (never the NIK itself)."""
    parsed = parse_nik(request.POST.get("nik", ""))
    return blind_index(parsed.value, purpose="nik") if parsed.value else "invalid"


class SignupForm(forms.Form):
    nik = forms.CharField(max_length=40)
    kk = forms.CharField(max_length=40)
    name = forms.CharField(max_length=150)
    phone = forms.CharField(max_length=30)
    password1 = forms.CharField(max_length=128, strip=False)
    password2 = forms.CharField(max_length=128, strip=False)

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", gettext("Kedua kata sandi tidak sama."))
        return data


class LoginForm(forms.Form):
    nik = forms.CharField(max_length=40)
    password = forms.CharField(max_length=128, strip=False)


class CodeForm(forms.Form):
    code = forms.CharField(max_length=12)


def _challenge_keep(request, issued: signup.OtpIssued) -> None:
    request.session[OTP_SESSION] = issued.challenge.dumps()
    if signup.demo_shows_code():
        request.session[OTP_DEMO_SESSION] = issued.code
    else:
        request.session.pop(OTP_DEMO_SESSION, None)


def _challenge_drop(request) -> None:
    request.session.pop(OTP_SESSION, None)
    request.session.pop(OTP_DEMO_SESSION, None)


def _errors_add(form: forms.Form, error: signup.SignupInvalid) -> None:
    for field, texts in error.errors.items():
        for text in texts:
            form.add_error(field, text)


def _signup_form_valid(form: SignupForm) -> bool:
    """The form's own checks and the values' formats, every error at once (a mistyped NIK is
    named even when the passwords differ)."""
    valid = form.is_valid()
    data = form.cleaned_data
    if all(data.get(name) for name in ("nik", "kk", "name", "phone", "password1")):
        try:
            signup.signup_values_check(nik=data["nik"], kk=data["kk"], name=data["name"], phone=data["phone"],
                                       password=data["password1"])
        except signup.SignupInvalid as error:
            _errors_add(form, error)
            valid = False
    return valid


# --- sign-up, code, login, logout -----------------------------------------------------------


@require_http_methods(["GET", "POST"])
@ratelimit(group="portal.signup", key="ip", rate=RATE_SIGNUP, method="POST", block=False)
def signup_view(request):
    form = SignupForm(request.POST if request.method == "POST" else None)
    refused = limited = False
    if request.method == "POST":
        limited = request.limited
        if not limited and _signup_form_valid(form):
            data = form.cleaned_data
            try:
                issued = signup.citizen_signup(nik=data["nik"], kk=data["kk"], name=data["name"],
                                               phone=data["phone"], password=data["password1"])
            except signup.SignupInvalid as error:
                _errors_add(form, error)
            except signup.SignupRefused:
                refused = True
            except signup.SignupDuplicate:
                messages.info(request, gettext("Sudah ada akun untuk NIK ini. Silakan masuk."))
                return redirect("portal:login")
            except signup.OtpTooSoon as wait:
                form.add_error(None, _wait_text(wait))
            else:
                _challenge_keep(request, issued)
                messages.success(request, gettext("Kode verifikasi telah dikirim lewat SMS ke %(phone)s.")
                                 % {"phone": mask_phone(signup.phone_normalise(data["phone"]))})
                return redirect("portal:verify")
    status = 429 if limited else (400 if request.method == "POST" else 200)
    return render(request, "portal/signup.html", {"form": form, "refused": refused, "limited": limited},
                  status=status)


@require_http_methods(["GET", "POST"])
@ratelimit(group="portal.code", key="ip", rate=RATE_CODE, method="POST", block=False)
def verify_view(request):
    challenge = signup.OtpChallenge.loads(request.session.get(OTP_SESSION))
    if challenge is None:
        messages.info(request, gettext("Masuk dengan NIK dan kata sandi untuk meminta kode verifikasi."))
        return redirect("portal:login")
    form = CodeForm(request.POST if request.method == "POST" else None)
    problem = ""
    status = 200
    if request.method == "POST":
        if request.limited:
            problem, status = _too_many(), 429
        elif form.is_valid():
            outcome = signup.otp_verify(challenge=challenge, code=form.cleaned_data["code"])
            if outcome.result == "ok":
                _challenge_drop(request)
                login(request, outcome.citizen.user, backend=_BACKEND)
                messages.success(request, gettext("Nomor HP terkonfirmasi. Akun Anda sudah aktif."))
                return redirect("portal:account")
            challenge = outcome.challenge
            request.session[OTP_SESSION] = challenge.dumps()
            problem = {
                "wrong": gettext("Kode salah."),
                "expired": gettext("Kode sudah kedaluwarsa. Minta kode baru."),
                "exhausted": gettext("Kode salah terlalu sering. Minta kode baru."),
            }[outcome.result]
            status = 400
        else:
            status = 400
    expired = timezone.now().timestamp() > challenge.expires_at
    return render(request, "portal/verify.html", {
        "form": form, "problem": problem, "challenge": challenge, "expired": expired,
        "usable": challenge.attempts_left > 0 and not expired,
        "demo_code": request.session.get(OTP_DEMO_SESSION) if signup.demo_shows_code() else None,
        "minutes": signup.OTP_MINUTES,
    }, status=status)


@require_POST
@ratelimit(group="portal.resend", key="ip", rate=RATE_RESEND, method="POST", block=False)
def verify_resend_view(request):
    challenge = signup.OtpChallenge.loads(request.session.get(OTP_SESSION))
    citizen = _unverified(challenge.citizen_id) if challenge else None
    if citizen is None:
        _challenge_drop(request)
        return redirect("portal:login")
    if request.limited:
        messages.error(request, _too_many())
        return redirect("portal:verify")
    try:
        issued = signup.otp_issue(citizen=citizen)
    except signup.OtpTooSoon as wait:
        messages.error(request, _wait_text(wait))
    else:
        _challenge_keep(request, issued)
        messages.success(request, gettext("Kode verifikasi baru telah dikirim lewat SMS."))
    return redirect("portal:verify")


def _unverified(citizen_id: int):
    from bansos.portal.models import Citizen

    return (Citizen.objects.select_related("person").filter(pk=citizen_id, verified_at__isnull=True).first())


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return reverse("portal:account")


@require_http_methods(["GET", "POST"])
@ratelimit(group="portal.login", key="ip", rate=RATE_LOGIN_IP, method="POST", block=False)
@ratelimit(group="portal.login-nik", key=_nik_key, rate=RATE_LOGIN_NIK, method="POST", block=False)
def login_view(request):
    form = LoginForm(request.POST if request.method == "POST" else None)
    failed = limited = False
    if request.method == "POST":
        limited = request.limited
        if not limited and form.is_valid():
            citizen = signup.citizen_authenticate(nik=form.cleaned_data["nik"],
                                                  password=form.cleaned_data["password"], request=request)
            if citizen is not None and citizen.verified_at is not None:
                _challenge_drop(request)
                login(request, citizen.user, backend=_BACKEND)
                return redirect(_next_url(request))
            if citizen is not None:  # right password, phone not yet confirmed
                return _login_unverified(request, citizen)
            failed = True
    status = 429 if limited else (400 if request.method == "POST" else 200)
    return render(request, "portal/login.html", {"form": form, "failed": failed, "limited": limited,
                                                 "next": _next_url(request)}, status=status)


def _login_unverified(request, citizen):
    current = signup.OtpChallenge.loads(request.session.get(OTP_SESSION))
    try:
        _challenge_keep(request, signup.otp_issue(citizen=citizen))
        messages.info(request, gettext("Akun Anda belum aktif. Kode verifikasi telah dikirim lewat SMS."))
    except signup.OtpTooSoon as wait:
        if current is None or current.citizen_id != citizen.pk:
            messages.error(request, _wait_text(wait))
            return redirect("portal:login")
    return redirect("portal:verify")


@require_POST
def logout_view(request):
    logout(request)
    messages.info(request, gettext("Anda sudah keluar."))
    return redirect("/")


# --- the account's pages --------------------------------------------------------------------


@require_GET
@citizen_required
def account_view(request):
    citizen = request.citizen
    household = queries.household_of(citizen=citizen)
    context = {"citizen": citizen, "household": household, "members": [], "decisions": [], "payments": [],
               "welfare": None, "unread": 0}
    if household is not None:
        context.update(
            members=queries.family_members(household_id=household.pk, self_id=citizen.person_id,
                                           today=timezone.localdate()),
            decisions=household_decisions(household=household),
            payments=payment_history(household_id=household.pk, language=get_language() or "id"),
            welfare=household_welfare(household=household),
            unread=queries.inbox_unread(household_id=household.pk),
        )
    return render(request, "portal/account.html", context)


def _page(request, qs):
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


@require_http_methods(["GET", "POST"])
@citizen_required
def inbox_view(request):
    household_id = request.citizen.person.household_id
    if household_id is None:
        return render(request, "portal/inbox.html", {"page": None, "rows": []})
    if request.method == "POST":
        if request.POST.get("all"):
            inbox_mark_read(household_id=household_id,
                            message_ids=list(queries.inbox_messages(household_id=household_id)
                                             .filter(read_at__isnull=True).values_list("pk", flat=True)))
        else:
            ids = [int(v) for v in request.POST.getlist("message") if v.isdigit()]
            inbox_mark_read(household_id=household_id,
                            message_ids=queries.inbox_ids(household_id=household_id, ids=ids))
        messages.success(request, gettext("Pesan ditandai sudah dibaca."))
        page = request.POST.get("page", "")
        return redirect(reverse("portal:inbox") + (f"?page={int(page)}" if page.isdigit() else ""))
    page = _page(request, queries.inbox_messages(household_id=household_id))
    return render(request, "portal/inbox.html", {"page": page, "rows": queries.inbox_rows(page.object_list),
                                                 "query": ""})


@require_GET
@citizen_required
def village_view(request):
    household = queries.household_of(citizen=request.citizen)
    if household is None:
        return render(request, "portal/village.html", {"household": None, "page": None, "rows": []})
    cycle_ids = queries.latest_cycle_ids()
    page = _page(request, queries.village_recipients(village_id=household.village_id, cycle_ids=cycle_ids))
    return render(request, "portal/village.html", {
        "household": household, "page": page, "query": "",
        "rows": queries.recipient_rows(page.object_list, cycle_ids=cycle_ids)})


@require_GET
@citizen_required
def access_view(request):
    citizen = request.citizen
    page = _page(request, queries.access_entries(household_id=citizen.person.household_id,
                                                 person_id=citizen.person_id))
    return render(request, "portal/access.html", {"page": page, "rows": queries.access_rows(page.object_list),
                                                  "query": ""})
