"""The web page Flet serves is Flet's own, with one addition of ours (no Rive from a CDN)."""

import re
from pathlib import Path

import flet_web

ROOT = Path(__file__).resolve().parents[2]
OURS = re.compile(r"  <!-- rejon: begin -->\n.*?  <!-- rejon: end -->\n", re.S)


def test_our_page_is_flets_page_with_only_our_script_added() -> None:
    """A Flet upgrade that changes its page fails here: take its page again and re-add ours."""
    ours = (ROOT / "assets" / "index.html").read_text(encoding="utf-8")
    flets = (Path(flet_web.__file__).parent / "web" / "index.html").read_text(encoding="utf-8")
    [added] = OURS.findall(ours)
    assert "rive-app" in added
    assert OURS.sub("", ours) == flets
