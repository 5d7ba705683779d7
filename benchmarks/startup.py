"""How fast the course starts: `kmscourse.start()` after import, and a notebook of 10 KMS calls vs an empty one.

Targets: start() within 0.5 s after import; the 10-call notebook within 1.5x the empty notebook.
Run: .venv/bin/python benchmarks/startup.py [--repeat N]
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from kmscourse.runner import execute  # noqa: E402

START_PROBE = """
import json, time
t0 = time.perf_counter(); import kmscourse; t1 = time.perf_counter()
kmscourse.start(quiet=True); t2 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "start": t2 - t1}))
"""

SETUP = "import kmscourse\ncourse = kmscourse.start()"
TEN_CALLS = """kms = course.client("kms")
key = kms.create_key()["KeyMetadata"]["KeyId"]
blob = kms.encrypt(KeyId=key, Plaintext=b"x")["CiphertextBlob"]
kms.decrypt(CiphertextBlob=blob)
kms.describe_key(KeyId=key)
kms.generate_data_key(KeyId=key, KeySpec="AES_256")
kms.list_keys()
kms.create_alias(AliasName="alias/bench", TargetKeyId=key)
kms.list_aliases()
kms.get_key_policy(KeyId=key, PolicyName="default")
kms.get_key_rotation_status(KeyId=key)"""


def notebook(*sources: str) -> nbformat.NotebookNode:
    """A notebook with one code cell per source."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    return nb


def time_notebook(nb: nbformat.NotebookNode, folder: Path, name: str) -> float:
    """Seconds to execute the notebook from a fresh kernel."""
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, path)
    _, outcome = execute(path)
    if outcome.error:
        raise SystemExit(f"{name} failed: {outcome.error}")
    return outcome.seconds


def main() -> None:
    """Measure and print every figure from this one run."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5, help="runs of each measurement (medians are printed)")
    repeat = parser.parse_args().repeat

    starts, imports = [], []
    for _ in range(repeat):
        out = subprocess.run([sys.executable, "-c", START_PROBE], capture_output=True, text=True, check=True).stdout
        data = json.loads(out.strip().splitlines()[-1])
        imports.append(data["import"])
        starts.append(data["start"])
    print(f"import kmscourse:            median {statistics.median(imports) * 1000:7.1f} ms over {repeat} fresh processes")
    print(f"kmscourse.start() after it:  median {statistics.median(starts) * 1000:7.1f} ms (target <= 500 ms)")

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        runs: dict[str, list[float]] = {"empty": [], "setup only": [], "setup + 10 KMS calls": []}
        for _ in range(repeat):
            runs["empty"].append(time_notebook(notebook(), folder, "empty"))
            runs["setup only"].append(time_notebook(notebook(SETUP), folder, "setup"))
            runs["setup + 10 KMS calls"].append(time_notebook(notebook(SETUP, TEN_CALLS), folder, "ten"))
    med = {k: statistics.median(v) for k, v in runs.items()}
    for name, value in med.items():
        print(f"notebook, {name:<22} median {value:6.2f} s")
    print(f"ratio 10-call / empty notebook:      {med['setup + 10 KMS calls'] / med['empty']:.2f} (target <= 1.5)")
    print(f"ratio 10-call / setup-only notebook: {med['setup + 10 KMS calls'] / med['setup only']:.2f}")


if __name__ == "__main__":
    main()
