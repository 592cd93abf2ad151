"""The public Cek Bansos search page (no login) and its htmx fragment for the region selects.

Without JavaScript the region form is a plain GET form: choosing a province and pressing
"Pilih" shows the regency select, and so on, every choice kept in the query string. htmx only
fetches the next select when one changes. The NIK form posts, so a NIK never lands in a URL,
a browser history or an access log. Every search is rate-limited per client address, needs the
human check (humancheck.py) and refuses a filled honeypot. Reads go through portal.search.
"""

from __future__ import annotations

import re
from dataclasses import replace

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_cookie
from django_ratelimit.core import get_usage

from bansos.portal import humancheck
from bansos.portal import search as queries

BY_REGION = "wilayah"
BY_NIK = "nik"
_RATE = re.compile(r"^\d+/\d*[smhd]$")


def _rates() -> list[str]:
    rates = list(getattr(settings, "BANSOS_PORTAL_SEARCH_RATES", ["10/m", "200/d"]))
    bad = [r for r in rates if not _RATE.match(r)]
    if bad:
        raise ImproperlyConfigured(f"BANSOS_PORTAL_SEARCH_RATES: not a rate like 10/m or 200/d: {bad}")
    return rates


def _wait_seconds(request) -> int | None:
    """Count this search against every rate; the seconds to wait when one is exceeded."""
    waits = []
    for rate in _rates():
        usage = get_usage(request, group=f"portal-search-{rate}", key="ip", rate=rate, increment=True)
        if usage and usage["should_limit"]:
            waits.append(max(usage["time_left"], 1))
    return max(waits) if waits else None


def _mode(request, region: queries.RegionChoice) -> str:
    """Which search was asked for: BY_NIK (posted), BY_REGION, or "" (only choosing a region).
    Enter in the name field submits the form's first button, "Pilih": with a village chosen
    and a name typed there is nothing left to choose, so that is a search too."""
    if request.method == "POST":
        return BY_NIK if request.POST.get("cari") == BY_NIK else ""
    if request.GET.get("cari") == BY_REGION:
        return BY_REGION
    if "pilih" in request.GET and region.village and request.GET.get("nama", "").strip():
        return BY_REGION
    return ""


@never_cache
@require_http_methods(["GET", "POST"])
def search(request):
    region = queries.region_choice(chosen={p: request.GET.get(p, "") for p in queries.PARAMS})
    mode = _mode(request, region)
    data = request.POST if mode == BY_NIK else request.GET
    if mode:
        wait = _wait_seconds(request)
        if wait is not None:
            return _limited(request, wait)
        if humancheck.honeypot_filled(data):
            return render(request, "portal/search_refused.html", status=400)
    errors, query = _search_input(mode, data, region) if mode else ({}, "")
    if mode and not humancheck.human_passed(request):
        try:
            humancheck.challenge_verify(token=data.get("token", ""), answer=data.get("jawaban", ""))
            humancheck.human_remember(request)
        except humancheck.HumanCheckError as error:
            errors["jawaban"] = str(error)
    result = None
    if mode and not errors:
        today = timezone.localdate()
        result = (queries.persons_by_name(village=region.village, name=query, today=today) if mode == BY_REGION
                  else queries.persons_by_nik(nik=query, today=today))
    return render(request, "portal/search.html", _context(request, region, mode, errors, result))


def _search_input(mode: str, data, region: queries.RegionChoice) -> tuple[dict[str, str], str]:
    """(messages by field, the cleaned name or NIK) of a search's own fields."""
    errors: dict[str, str] = {}
    query = ""
    if mode == BY_REGION and region.missing is not None:
        errors[region.missing.param] = gettext("Pilih %(level)s.") % {"level": region.missing.label.lower()}
    try:
        if mode == BY_REGION:
            query = queries.name_query_clean(data.get("nama", ""))
        else:
            query = queries.nik_query_clean(data.get("nik", ""))
    except queries.SearchInputError as error:
        errors["nama" if mode == BY_REGION else "nik"] = str(error)
    return errors, query


def _context(request, region: queries.RegionChoice, mode: str, errors: dict[str, str],
             result: queries.SearchResult | None) -> dict:
    levels = tuple(level if level.param not in errors else _with_error(level, errors[level.param])
                   for level in region.levels)
    region_errors = errors if mode == BY_REGION else {}
    nik_errors = errors if mode == BY_NIK else {}
    summary = [(f"id_{param}", errors[param]) for param in queries.PARAMS if param in region_errors]
    summary += [(f"{BY_REGION}-{field}", message) for field, message in region_errors.items()
                if field not in queries.PARAMS]
    summary += [(f"{BY_NIK}-{field}", message) for field, message in nik_errors.items()]
    return {
        "levels": levels,
        "region": region,
        "mode": mode,
        "name": request.GET.get("nama", "")[:queries.MAX_QUERY_LENGTH],
        # A NIK is never written back into the page, except to let its owner fix a typing error.
        "nik": request.POST.get("nik", "")[:40] if "nik" in nik_errors else "",
        "region_errors": region_errors,
        "nik_errors": nik_errors,
        "summary": summary,
        "result": result,
        "challenge": None if humancheck.human_passed(request) else humancheck.challenge_new(),
        "honeypot": humancheck.HONEYPOT_FIELD,
        "max_results": queries.MAX_RESULTS,
        "min_letters": queries.MIN_LETTERS,
    }


def _with_error(level: queries.RegionLevel, message: str) -> queries.RegionLevel:
    return replace(level, error=message)


def _limited(request, wait: int):
    minutes = max(1, -(-wait // 60))
    response = render(request, "portal/search_limited.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(wait)
    return response


@cache_control(max_age=300)
@vary_on_cookie  # the language is chosen by cookie
@require_GET
def area_options(request, code: str = ""):
    """htmx fragment: the select of the areas under `code` (or under the area just chosen in
    the select named by the HX-Trigger-Name header or the parameter), replacing the levels
    below it. Empty when nothing was chosen or the area has no children to offer."""
    if not code:
        names = [request.htmx.trigger_name] if getattr(request, "htmx", None) else []
        names += list(reversed(queries.PARAMS[:-1]))
        code = next((request.GET[n] for n in names if n in queries.PARAMS[:-1] and request.GET.get(n)), "")
    level = queries.area_children(code=code) if code else None
    return render(request, "portal/search_areas.html", {"levels": (level,) if level else (), "fragment": True})
