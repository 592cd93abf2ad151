"""`bansos link LEFT.csv [RIGHT.csv] --field KEY=COLUMN ... --out PAIRS.csv`: find the same
people within one file (deduplicate) or across two files (link), write the pairs declared
matches, and print a summary (`--json`: one JSON object) that holds counts, never identifiers.

`bansos link --registry [--upper P] [--lower P]`: link every staged list row not linked yet
into the registry (`bansos.linkage.run.link_run`), as the demo and the office do.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pyarrow as pa
from django.core.management.base import CommandError

from bansos.core.cli import BatchCommand
from bansos.linkage.cluster import clusters_summary
from bansos.linkage.files import FIELDS, LinkFileError, fields_parse, file_records, pairs_write
from bansos.linkage.pairs_link import DEFAULT_THRESHOLD, records_link


def _threshold(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0.0 < value <= 1.0:
        raise CommandError(f"--threshold {text}: harus antara 0 dan 1 / must be in (0, 1]")
    return value


class Command(BatchCommand):
    help = ("Deduplicate one CSV file or link two: writes the pairs of records that are the "
            "same person (left_id,right_id,match_probability).")

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.add_argument("files", nargs="*", type=Path, metavar="FILE",
                            help="one file to deduplicate, or two files to link")
        parser.add_argument("--registry", action="store_true",
                            help="link the staged list rows into the registry instead")
        parser.add_argument("--upper", type=float, default=None,
                            help="with --registry: merge from this match probability")
        parser.add_argument("--lower", type=float, default=None,
                            help="with --registry: review from this match probability")
        keys = ", ".join(FIELDS)
        parser.add_argument("--field", action="append", default=[], metavar="KEY=COLUMN",
                            help=f"map a column to a key (repeatable; the same for both "
                                 f"files): {keys}")
        parser.add_argument("--out", type=Path, metavar="PAIRS.csv",
                            help="where to write the pairs declared matches")
        parser.add_argument("--threshold", type=str, default=str(DEFAULT_THRESHOLD),
                            help=f"match probability from which a pair is declared a match "
                                 f"(default {DEFAULT_THRESHOLD})")

    def run(self, **options):
        if options["registry"]:
            return self._registry(**options)
        files: list[Path] = options["files"]
        if not files or options["out"] is None:
            raise CommandError("beri berkas dan --out, atau --registry / give files and --out, "
                               "or --registry")
        if len(files) > 2:
            raise CommandError("satu atau dua berkas / one or two files")
        threshold = _threshold(options["threshold"])
        try:
            fields = fields_parse(items=options["field"])
            left = file_records(path=files[0], fields=fields, source="L", uid_start=1)
            right = None
            if len(files) == 2:
                right = file_records(path=files[1], fields=fields, source="R",
                                     uid_start=left.records.num_rows + 1)
        except LinkFileError as exc:
            raise CommandError(str(exc)) from exc
        records = left.records if right is None else pa.concat_tables(
            [left.records, right.records])
        # Splink warns of every level a small file never shows; the summary says what matters.
        splink_log = logging.getLogger("splink")
        level = splink_log.level
        splink_log.setLevel(logging.ERROR)
        try:
            result = records_link(records=records, side="dedupe" if right is None else "link",
                                  threshold=threshold)
        finally:
            splink_log.setLevel(level)
        other = right or left
        written = pairs_write(path=options["out"], pairs=result.pairs, left_ids=left.ids,
                              left_start=1, right_ids=other.ids,
                              right_start=1 if right is None else left.records.num_rows + 1)
        per_file = {"left": left.records.num_rows}
        if right is not None:
            per_file["right"] = right.records.num_rows
        return {
            "mode": "dedupe" if right is None else "link",
            "records": per_file,
            "candidate_pairs": result.candidates,
            "pairs_written": written,
            "threshold": threshold,
            **clusters_summary(clusters=result.clusters),
            "lambda": result.model.get("probability_two_random_records_match"),
            "m_trained": result.trained,
            "blocking_rules": result.rules,
            "comparisons": [c["output_column_name"] for c in result.model["comparisons"]],
            "read_warnings": left.read_warnings + (right.read_warnings if right else 0),
            "unreadable_birth_dates": left.unreadable_dates + (
                right.unreadable_dates if right else 0),
            "step_seconds": result.seconds,
        }

    def _registry(self, **options):
        from bansos.linkage.run import LinkRunBusy, link_run

        if options["files"]:
            raise CommandError("--registry tidak memakai berkas / --registry takes no files")
        try:
            with self.progress() as progress:
                run = link_run(upper=options["upper"], lower=options["lower"],
                               started_by="cli", progress=progress)
        except (LinkRunBusy, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        return {"run": run.pk, "thresholds": [run.lower_threshold, run.upper_threshold],
                **run.counts, "step_seconds": run.timings}
