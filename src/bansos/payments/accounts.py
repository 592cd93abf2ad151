"""Recipients' accounts from the lists that carry them: a bank's account list (burekol answers)
and program lists with the family's account (PKH's KKS account). Set-at-a-time: every linked
staged row with an account number is read once, the latest per family and program wins, the
holder name is checked against the family's registry names, and accounts are inserted or, when
something changed, updated with their revision raised (a rejected payment may then be retried).

The name check normalises both sides as intake does (case, titles, honorifics) and takes the
closest family member by Jaro-Winkler similarity: the same name is `exact`, a close one
(spelling, a dropped word) `similar`, anything else `mismatch` — an account in someone else's
name, which is not paid until an officer fixes it."""

from __future__ import annotations

import duckdb
import pyarrow as pa
from django.db import connection, transaction
from django.utils import timezone

from bansos.audit.services import audit_record
from bansos.core.bulk_insert import tables_insert
from bansos.core.bulk_read import query_table
from bansos.core.bulk_temp import temp_table
from bansos.core.protected import decrypt_many
from bansos.intake.parse_names import names_normalise
from bansos.payments.banks import BANKS
from bansos.payments.models import Account, AccountRequest

# Jaro-Winkler similarity at or above which a holder name is the member's name spelt otherwise.
NAME_SIMILAR = 0.88
_STATUS = {"AKTIF": "active", "DORMAN": "dormant", "BLOKIR": "blocked", "TUTUP": "closed"}

_ROWS = pa.schema([
    ("row_id", pa.int64()), ("import_id", pa.int64()), ("household_id", pa.int64()),
    ("person_id", pa.int64()), ("kind", pa.string()), ("source", pa.string()),
    ("bank", pa.string()), ("number", pa.binary()), ("number_index", pa.string()),
    ("full_name", pa.string()), ("extra", pa.string()),
])
_MEMBERS = pa.schema([("household_id", pa.int64()), ("person_id", pa.int64()),
                      ("member_name", pa.string()), ("relationship", pa.string())])
_EXISTING = pa.schema([("account_id", pa.int64()), ("household_id", pa.int64()), ("program", pa.string()),
                       ("number_index", pa.string()), ("bank", pa.string()), ("holder_name", pa.string()),
                       ("status", pa.string())])


def _staged_accounts(imports: list[int] | None) -> pa.Table:
    """Staged rows with an account: program lists' rows where linkage placed them, banks'
    account lists by exact NIK (they are not linked; the bank checked the KTP)."""
    only = f"AND s.list_import_id IN ({','.join(str(int(i)) for i in imports)})" if imports else ""
    return query_table(schema=_ROWS, sql=f"""
        SELECT s.id, s.list_import_id, COALESCE(l.household_id, p.household_id), COALESCE(l.person_id, p.id),
               src.kind, src.code, s.bank, s.account_number, s.account_index, s.full_name, s.extra
        FROM intake_stagedrow s
        JOIN intake_listimport li ON li.id = s.list_import_id
        JOIN intake_source src ON src.id = li.source_id
        LEFT JOIN linkage_recordlink l ON l.staged_row_id = s.id AND src.kind != 'bank'
        LEFT JOIN registry_person p ON src.kind = 'bank' AND p.nik_index = s.nik_index
        WHERE s.account_index IS NOT NULL AND s.bank != ''
          AND COALESCE(l.household_id, p.household_id) IS NOT NULL {only}""")


def _members(households: pa.Array) -> pa.Table:
    """Every registry member of the given families (only those: a sync of a few accounts must
    not read a national registry)."""
    wanted = pa.table({"household_id": households}).group_by("household_id").aggregate([])
    with temp_table(name="account_households", table=wanted):
        return query_table(schema=_MEMBERS, sql="""
            SELECT p.household_id, p.id, p.full_name, p.relationship FROM registry_person p
            JOIN account_households w ON w.household_id = p.household_id""")


def _normalised(values: pa.Array) -> pa.Array:
    return names_normalise(values=values).values


def accounts_candidates(*, imports: list[int] | None = None) -> pa.Table:
    """One candidate account per (household, program) from the staged rows, name-checked:
    household_id, program, person_id, bank, number, number_index, holder_name, status,
    name_check, name_score, name_reasons (JSON), source."""
    rows = _staged_accounts(imports)
    con = duckdb.connect()
    con.register("rows", rows)
    # Bank lists name their program (PIP's student accounts) or none (the family's KKS
    # account, used for every program); a program list's account is the family's KKS account.
    # The latest import wins, then the latest row.
    chosen = con.sql(f"""
        SELECT household_id, person_id, bank, number, number_index, source, import_id,
               CASE WHEN kind = 'bank' THEN upper(coalesce(json_extract_string(extra, '$.program'), ''))
                    ELSE '' END AS program,
               coalesce(nullif(trim(json_extract_string(extra, '$.caretaker_name')), ''), full_name) AS holder_name,
               coalesce({_status_case()}, 'active') AS status
        FROM rows
        QUALIFY row_number() OVER (PARTITION BY household_id, program ORDER BY import_id DESC, row_id DESC) = 1
        ORDER BY household_id, program""").to_arrow_table()
    if not chosen.num_rows:
        return chosen
    members = _members(chosen.column("household_id"))
    con.register("chosen", chosen.append_column("holder_norm", _normalised(chosen.column("holder_name"))))
    con.register("members", members.append_column("member_norm", _normalised(members.column("member_name"))))
    checked = con.sql(f"""
        WITH scored AS (
            SELECT c.household_id, c.program, m.person_id AS member_id, m.relationship,
                   CASE WHEN c.holder_norm = m.member_norm THEN 1.0
                        ELSE jaro_winkler_similarity(coalesce(c.holder_norm, ''), coalesce(m.member_norm, ''))
                   END AS score
            FROM chosen c JOIN members m USING (household_id)),
        best AS (
            SELECT household_id, program, max(score) AS score,
                   arg_max(member_id, score) AS member_id, arg_max(relationship, score) AS relationship
            FROM scored GROUP BY household_id, program)
        SELECT c.household_id, c.program, coalesce(b.member_id, c.person_id) AS person_id, c.bank,
               c.number, c.number_index, c.holder_name, c.status,
               CASE WHEN b.score >= 1.0 THEN 'exact' WHEN b.score >= {NAME_SIMILAR} THEN 'similar'
                    ELSE 'mismatch' END AS name_check,
               round(coalesce(b.score, 0), 3) AS name_score,
               json_array(json_object(
                   'code', CASE WHEN b.score >= 1.0 THEN 'name_exact'
                                WHEN b.score >= {NAME_SIMILAR} THEN 'name_similar'
                                ELSE 'name_mismatch' END,
                   'params', json_object('score', round(coalesce(b.score, 0), 3),
                                         'relationship', coalesce(b.relationship, ''))))::VARCHAR AS name_reasons,
               'list:' || c.source || ':' || c.import_id AS source
        FROM chosen c LEFT JOIN best b USING (household_id, program)
        ORDER BY c.household_id, c.program""").to_arrow_table()
    numbers = decrypt_many(checked.column("number").to_pylist(), purpose="account")
    return checked.append_column("number_last4", pa.array([n[-4:] if n else "" for n in numbers]))


def _status_case() -> str:
    cases = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in _STATUS.items())
    return f"CASE upper(trim(json_extract_string(extra, '$.account_status'))) {cases} END"


def accounts_sync(*, by: str, imports: list[int] | None = None) -> dict[str, int]:
    """Insert new accounts and update changed ones (raising their revision) from the linked
    list rows; returns counts. Open account requests of families that now have an account are
    marked opened."""
    candidates = accounts_candidates(imports=imports)
    counts = {"rows": candidates.num_rows, "new": 0, "changed": 0, "unchanged": 0, "mismatch": 0}
    if not candidates.num_rows:
        return counts
    existing = query_table(schema=_EXISTING, sql="""
        SELECT id, household_id, program, number_index, bank, holder_name, status FROM payments_account""")
    con = duckdb.connect()
    con.register("c", candidates)
    con.register("e", existing)
    joined = con.sql("""
        SELECT c.*, e.account_id,
               e.account_id IS NOT NULL AND (e.number_index != c.number_index OR e.bank != c.bank
                   OR e.holder_name != c.holder_name OR e.status != c.status) AS changed
        FROM c LEFT JOIN e USING (household_id, program)""").to_arrow_table()
    con.register("j", joined)
    new = con.sql("SELECT * EXCLUDE (account_id, changed) FROM j WHERE account_id IS NULL").to_arrow_table()
    changed = con.sql("SELECT * EXCLUDE (changed) FROM j WHERE changed").to_arrow_table()
    counts.update(new=new.num_rows, changed=changed.num_rows,
                  unchanged=joined.num_rows - new.num_rows - changed.num_rows,
                  mismatch=con.sql("SELECT count(*) FROM c WHERE name_check = 'mismatch'").fetchall()[0][0])
    now = timezone.now()
    with transaction.atomic():
        if new.num_rows:
            tables_insert(model=Account, tables=[new], constants={"revision": 1, "created_at": now,
                                                                  "updated_at": now})
        if changed.num_rows:
            _accounts_update(changed, now=now)
        _requests_answered()
        audit_record(actor=by, action="accounts.sync", target_type="Account", target_id="",
                     data={k: v for k, v in counts.items()})
    return counts


def _accounts_update(changed: pa.Table, *, now) -> None:
    with temp_table(name="account_changes", table=changed.select([
            "account_id", "person_id", "bank", "number", "number_index", "number_last4", "holder_name", "status",
            "name_check", "name_score", "name_reasons", "source"])), connection.cursor() as cursor:
        cursor.execute("""
            UPDATE payments_account SET
                person_id = ch.person_id, bank = ch.bank, number = ch.number,
                number_index = ch.number_index, number_last4 = ch.number_last4, holder_name = ch.holder_name, status = ch.status,
                name_check = ch.name_check, name_score = ch.name_score,
                name_reasons = {reasons}, source = ch.source,
                revision = payments_account.revision + 1, updated_at = %s
            FROM account_changes ch WHERE payments_account.id = ch.account_id""".format(
            reasons=json_cast("ch.name_reasons")), [now])


def json_cast(column: str) -> str:
    """A text column as the database's JSON type (jsonb on PostgreSQL; text on SQLite)."""
    return f"CAST({column} AS jsonb)" if connection.vendor == "postgresql" else column


def _requests_answered() -> None:
    """An open burekol request is answered once the family has an active account it may use."""
    with connection.cursor() as cursor:
        cursor.execute("""
            UPDATE payments_accountrequest SET status = %s, updated_at = %s
            WHERE status = %s AND EXISTS (
                SELECT 1 FROM payments_account a
                WHERE a.household_id = payments_accountrequest.household_id
                  AND a.program IN ('', payments_accountrequest.program)
                  AND a.bank = payments_accountrequest.bank
                  AND a.status = 'active' AND a.name_check != 'mismatch')""",
                       [AccountRequest.Status.OPENED, timezone.now(), AccountRequest.Status.REQUESTED])


def account_update(*, account: Account, by: str, number: str | None = None, bank: str | None = None,
                   holder_name: str | None = None, status: str | None = None, note: str = "") -> Account:
    """An officer's fix of one account (a new number after a closed account, the holder's name
    as on the passbook): the name is checked again and the revision raised."""
    with transaction.atomic():
        account = Account.objects.select_for_update().get(pk=account.pk)
        _account_fields_check(number=number, bank=bank or account.bank, holder_name=holder_name,
                              status=status)
        changed = []
        if number is not None and number != account.number:
            account.number, account.number_last4 = number, number[-4:]
            changed.append("number")
        for name, value in (("bank", bank), ("holder_name", holder_name), ("status", status)):
            if value is not None and value != getattr(account, name):
                setattr(account, name, value)
                changed.append(name)
        if not changed:
            return account
        account.name_check, account.name_score, account.name_reasons = name_check(
            holder_name=account.holder_name, household_id=account.household_id)
        account.revision += 1
        account.source = f"officer:{by}"[:40]
        account.save()
        audit_record(actor=by, action="account.update", target_type="Account", target_id=account.pk,
                     data={"fields": changed, "revision": account.revision, "note": note,
                           "name_check": account.name_check})
    return account


class AccountError(ValueError):
    """An account change refused, with the reason in Indonesian and English."""


def _account_fields_check(*, number: str | None, bank: str, holder_name: str | None,
                          status: str | None) -> None:
    if bank not in BANKS:
        raise AccountError(f"bank {bank!r} tidak dikenal / unknown bank {bank!r}")
    digits = BANKS[bank].account_digits
    if number is not None and not (number.isdigit() and len(number) == digits):
        raise AccountError(f"nomor rekening {bank} harus {digits} angka / a {bank} account number "
                           f"has {digits} digits")
    if holder_name is not None and not holder_name.strip():
        raise AccountError("nama pemilik rekening kosong / the holder name is empty")
    if status is not None and status not in Account.Status.values:
        raise AccountError(f"status rekening tidak sah / invalid account status {status!r}")


def name_check(*, holder_name: str, household_id: int) -> tuple[str, float, list[dict]]:
    """The check of one holder name against one family (the bulk check's rule, for one row)."""
    members = list(_member_names(household_id))
    con = duckdb.connect()
    holder = _normalised(pa.array([holder_name])).to_pylist()[0] or ""
    names = _normalised(pa.array([m[0] for m in members], pa.string())).to_pylist() if members else []
    best, relationship = 0.0, ""
    for (_, rel), norm in zip(members, names, strict=True):
        score = 1.0 if norm == holder else con.sql(
            "SELECT jaro_winkler_similarity($a, $b)", params={"a": holder, "b": norm or ""}).fetchall()[0][0]
        if score > best:
            best, relationship = score, rel
    check = "exact" if best >= 1.0 else "similar" if best >= NAME_SIMILAR else "mismatch"
    code = {"exact": "name_exact", "similar": "name_similar", "mismatch": "name_mismatch"}[check]
    return check, round(best, 3), [{"code": code, "params": {"score": round(best, 3), "relationship": relationship}}]


def _member_names(household_id: int):
    from bansos.registry.models import Person

    return Person.objects.filter(household_id=household_id).values_list("full_name", "relationship")
