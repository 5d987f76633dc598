"""Runs a short R program that writes CSV files, for the converters whose source
data ships as R packages (r-cran-modeldata, r-cran-janeaustenr). The packages keep
their data in lazy-load databases (data/Rdata.rdb/.rdx), which only R reads
reliably, so R itself exports them; Python reads the CSV with the csv module."""
import shutil
import subprocess
import sys


def run_r(program: str, what: str) -> None:
    rscript = shutil.which("Rscript")
    if rscript is None:
        sys.exit(f"{what}: Rscript not found; install r-base-core (scripts/setup.sh does)")
    result = subprocess.run([rscript, "--vanilla", "-e", program], capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"{what}: Rscript failed (exit {result.returncode}):\n{result.stderr.strip()}")


def r_string(s: str) -> str:
    """A Python string as an R string literal."""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'
