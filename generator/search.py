"""Index the staged site with Pagefind."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .problems import Problems


def index(site: Path, problems: Problems) -> None:
    """Run the Pagefind binary over ``site``; its bundle goes to ``site/pagefind``."""
    result = subprocess.run(
        [sys.executable, "-m", "pagefind", "--site", str(site), "--quiet"],
        capture_output=True, text=True, check=False,
    )
    if result.returncode != 0 or not (site / "pagefind" / "pagefind.js").exists():
        problems.add(str(site), 1, "(search)", "Pagefind failed to index the site: "
                     + (result.stderr or result.stdout).strip()[-500:],
                     "install it with: pip install 'pagefind[bin]'")
