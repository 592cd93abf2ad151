"""`bansos generate`: the command line door to the generator."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def test_generate_prints_a_json_summary_as_the_last_line(tmp_path):
    out = io.StringIO()
    call_command("generate", "--persons", "400", "--seed", "5", "--region", "3510",
                 "--region", "51.71.01", "--out", str(tmp_path), "--json", stdout=out)
    summary = json.loads(out.getvalue().strip().splitlines()[-1])
    assert summary["persons"] == 400
    assert summary["households"] > 80
    assert summary["out"] == str(tmp_path)
    assert set(summary["list_rows"]) == {"PKH", "BPNT", "PBIJK", "PIP", "BLT"}
    assert all(path.startswith(str(tmp_path)) for path in summary["files"].values())
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["regions"] == ["35.10", "51.71.01"]  # compact codes come out dotted
    assert manifest["seed"] == 5 and manifest["list_rows"] == summary["list_rows"]


@pytest.mark.parametrize("args", [["--region", "35.99"], ["--persons", "3"]])
def test_generate_refuses_bad_arguments(tmp_path, args):
    with pytest.raises(CommandError):
        call_command("generate", "--out", str(tmp_path), "--persons", "100", *args,
                     stdout=io.StringIO())
    assert not (tmp_path / "manifest.json").exists()
