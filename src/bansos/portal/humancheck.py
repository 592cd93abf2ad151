"""An accessible check that a person, not a script, is searching: a small sum in words
("Berapa tiga ditambah lima?") answered with digits, and a honeypot field people never see.

No image (blind visitors must pass it), no outside service (the system runs air-gapped). The
question travels in a signed, timestamped token (django.core.signing), so the server keeps no
state for it; each token is good for one answer (its nonce is spent in the cache on the first
try, right or wrong: a script cannot try every sum on one token) and for QUESTION_MAX_AGE.
A right answer is remembered in the session for PASS_SECONDS, so a person can search a few
times without answering again; the rate limit still counts every search.

`settings.BANSOS_PORTAL_HUMAN_CHECK` is True; only a benchmark's own settings module turns it
off (the load test cannot answer questions). No environment variable can.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils.translation import gettext, gettext_lazy

SALT = "bansos.portal.humancheck"
QUESTION_MAX_AGE = 15 * 60
PASS_SECONDS = 10 * 60
SESSION_KEY = "portal_human_until"
HONEYPOT_FIELD = "situs_web"
_NONCE_PREFIX = "portal:humancheck:"
NUMBER_WORDS = (
    gettext_lazy("nol"), gettext_lazy("satu"), gettext_lazy("dua"), gettext_lazy("tiga"),
    gettext_lazy("empat"), gettext_lazy("lima"), gettext_lazy("enam"), gettext_lazy("tujuh"),
    gettext_lazy("delapan"), gettext_lazy("sembilan"),
)  # fmt: skip


class HumanCheckError(Exception):
    """The answer was refused; `str()` is the message for the visitor."""


@dataclass(frozen=True)
class Challenge:
    first: int
    second: int
    token: str

    @property
    def question(self) -> str:
        return gettext("Berapa %(first)s ditambah %(second)s?") % {
            "first": NUMBER_WORDS[self.first], "second": NUMBER_WORDS[self.second]}


def human_check_enabled() -> bool:
    return bool(getattr(settings, "BANSOS_PORTAL_HUMAN_CHECK", True))


def challenge_new() -> Challenge:
    first, second = 1 + secrets.randbelow(9), 1 + secrets.randbelow(9)
    token = signing.dumps({"a": first, "b": second, "n": secrets.token_urlsafe(12)}, salt=SALT)
    return Challenge(first=first, second=second, token=token)


def challenge_verify(*, token: str, answer: str) -> None:
    """Accept the answer to the question in `token`, or raise HumanCheckError."""
    if not token:
        raise HumanCheckError(gettext("Jawab pertanyaan pengaman terlebih dahulu."))
    try:
        payload = signing.loads(token, salt=SALT, max_age=QUESTION_MAX_AGE)
        first, second, nonce = int(payload["a"]), int(payload["b"]), str(payload["n"])
    except signing.SignatureExpired:
        raise HumanCheckError(gettext("Pertanyaan pengaman sudah kedaluwarsa. Jawab pertanyaan yang baru.")) from None
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise HumanCheckError(gettext("Pertanyaan pengaman tidak sah. Jawab pertanyaan yang baru.")) from None
    if not cache.add(_NONCE_PREFIX + nonce, 1, QUESTION_MAX_AGE + 60):
        raise HumanCheckError(gettext("Pertanyaan pengaman ini sudah dijawab. Jawab pertanyaan yang baru."))
    answer = (answer or "").strip()
    if not answer:
        raise HumanCheckError(gettext("Jawab pertanyaan pengaman dengan angka."))
    if not (answer.isascii() and answer.isdigit()) or int(answer) != first + second:
        raise HumanCheckError(gettext("Jawaban pertanyaan pengaman salah. Coba pertanyaan yang baru."))


def human_passed(request) -> bool:
    """True when the check is off or this session answered a question in the last minutes."""
    if not human_check_enabled():
        return True
    until = request.session.get(SESSION_KEY)
    return isinstance(until, int | float) and until > time.time()


def human_remember(request) -> None:
    if human_check_enabled():
        request.session[SESSION_KEY] = int(time.time()) + PASS_SECONDS


def honeypot_filled(data) -> bool:
    """The hidden field that people leave empty (it is not shown, nor read out) was filled."""
    return bool((data.get(HONEYPOT_FIELD) or "").strip())
