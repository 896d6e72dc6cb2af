"""Run every benchmark script in this folder (each prints ratios against a baseline measured in the same run)."""
import subprocess
import sys
from pathlib import Path

here = Path(__file__).resolve().parent
for script in sorted(here.glob("bench_*.py")):
    print(f"\n=== {script.name}")
    subprocess.run([sys.executable, str(script)], check=False)
