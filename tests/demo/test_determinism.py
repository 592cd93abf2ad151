import json
from pathlib import Path

import pytest

from bansos.demo.generate import generate_population


def _hashes(out: Path) -> dict[str, str]:
    manifest = json.loads((out / "manifest.json").read_text())
    return {name: entry["sha256"] for name, entry in manifest["files"].items()}


def test_same_seed_gives_byte_identical_files_and_another_seed_does_not(tmp_path):
    args = {"regions": ["51.71.01", "35.10.09"], "persons": 2000}
    first = generate_population(seed=7, out_dir=tmp_path / "a", **args)
    again = generate_population(seed=7, out_dir=tmp_path / "b", **args)
    other = generate_population(seed=8, out_dir=tmp_path / "c", **args)
    assert first.persons == again.persons == other.persons == 2000
    a, b, c = _hashes(tmp_path / "a"), _hashes(tmp_path / "b"), _hashes(tmp_path / "c")
    assert set(a) >= {"persons", "households", "memberships", "pkh", "bpnt", "pbijk", "pip",
                      "blt", "dukcapil", "dukcapil_deaths", "survey", "ground_truth"}
    assert a == b
    assert (tmp_path / "a" / "manifest.json").read_bytes() == (
        tmp_path / "b" / "manifest.json").read_bytes()
    assert all(a[name] != c[name] for name in ("persons", "households", "pkh", "pip"))


def test_summary_and_progress(tmp_path):
    calls = []
    summary = generate_population(regions=["35.10.09"], persons=300, seed=1, out_dir=tmp_path,
                                  progress=lambda step, done, total: calls.append((done, total)))
    assert summary.persons == 300
    assert summary.households > 50
    assert all(path.exists() for path in summary.files.values())
    assert calls[-1][0] == calls[-1][1]
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


@pytest.mark.parametrize("regions", [["99"], ["35.10.99"], []])
def test_unknown_or_empty_regions_are_refused(tmp_path, regions):
    with pytest.raises(ValueError):
        generate_population(regions=regions, persons=10, seed=1, out_dir=tmp_path)
