"""Build static/vendor/bootstrap-icons/icons.svg: the few Bootstrap Icons the UI uses, as
one SVG sprite (a few kB instead of the 1 MB full sprite or a 130 kB font).

    npm pack bootstrap-icons@1.13.2 && tar xzf bootstrap-icons-1.13.2.tgz
    python scripts/build_icon_sprite.py package/icons > static/vendor/bootstrap-icons/icons.svg

Add a name to ICONS and rebuild to use another icon ({% icon "name" %} in a template).
"""

import re
import sys
from pathlib import Path

ICONS = [
    "arrow-left",
    "bar-chart",
    "box-arrow-right",
    "calendar3",
    "check-circle",
    "chevron-left",
    "chevron-right",
    "clock-history",
    "dash-circle",
    "download",
    "exclamation-triangle",
    "gear",
    "hourglass-split",
    "journal-text",
    "list-check",
    "list-ul",
    "pencil",
    "people",
    "person-plus",
    "plus-lg",
    "printer",
    "search",
    "send",
    "shield-check",
    "telephone",
    "upload",
    "x-circle",
]


def main(icon_dir: Path) -> None:
    out = ['<svg xmlns="http://www.w3.org/2000/svg">']
    for name in ICONS:
        svg = (icon_dir / f"{name}.svg").read_text()
        inner = re.search(r"<svg[^>]*>(.*)</svg>", svg, re.S).group(1)
        inner = " ".join(line.strip() for line in inner.splitlines() if line.strip())
        out.append(f'<symbol id="{name}" viewBox="0 0 16 16">{inner}</symbol>')
    out.append("</svg>")
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
