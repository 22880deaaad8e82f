"""``workflow diagram``: text formats from the tables; SVG/PNG through Graphviz if present."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from campusgate.workflow import diagram
from campusgate.workflow.errors import CampusgateError, InvalidInput


def draw(kinds: list[str], fmt: str, lang: str, output: str | None) -> str | bytes:
    """The diagram; written to ``output`` when given (its folder must exist)."""
    from campusgate.workflow import validate

    if output:
        validate.output_file(output)
    if fmt == "mermaid":
        text = "\n".join(diagram.mermaid(k, lang) for k in kinds)
    else:
        text = diagram.dot(kinds, lang)
    if fmt in ("mermaid", "dot"):
        if output:
            Path(output).write_text(text, encoding="utf-8")
        return text
    if not output:
        raise InvalidInput("output_required", fmt=fmt)
    dot = shutil.which("dot")
    if dot is None:
        raise CampusgateError("graphviz_missing", fmt=fmt)
    image = subprocess.run(
        [dot, f"-T{fmt}"], input=text.encode("utf-8"), capture_output=True, check=True
    ).stdout
    Path(output).write_bytes(image)
    return image
