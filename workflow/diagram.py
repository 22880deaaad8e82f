"""State diagrams drawn from the transition tables (mermaid, Graphviz dot)."""

from __future__ import annotations

from campusgate.workflow.kinds import FINAL_STATES, RECTIFICATION, STATES, TABLES
from campusgate.workflow.messages import label


def edges(kind: str, lang: str) -> list[tuple[str | None, str, str]]:
    """(source or None for the start, dest, label) — one edge per source and dest."""
    grouped: dict[tuple[str, str], dict[str, list[str]]] = {}
    for row in TABLES[kind]:
        for source in row.source:
            who = grouped.setdefault((source, row.dest), {}).setdefault(row.trigger, [])
            who += [label(w, lang) for w in row.who if label(w, lang) not in who]
    out: list[tuple[str | None, str, str]] = [
        (None, "submitted", "clue" if kind == RECTIFICATION else "apply")
    ]
    for (source, dest), triggers in grouped.items():
        text = "; ".join(f"{t} ({'/'.join(w)})" for t, w in triggers.items())
        out.append((source, dest, text))
    return out


def mermaid(kind: str, lang: str = "en") -> str:
    lines = ["stateDiagram-v2", f"    %% {kind}"]
    for source, dest, text in edges(kind, lang):
        lines.append(f"    {source or '[*]'} --> {dest} : {text}")
    lines += [f"    {s} --> [*]" for s in FINAL_STATES]
    return "\n".join(lines) + "\n"


def dot(kinds: list[str], lang: str = "en") -> str:
    """One graph; several kinds become side-by-side clusters with prefixed node names."""
    lines = ["digraph campusgate {", "  rankdir=LR;", "  node [shape=box, style=rounded];"]
    for kind in kinds:
        p = f"{kind}_"
        lines += [f'  subgraph "cluster_{kind}" {{', f'    label="{kind}";']
        lines.append(f"    {p}start [shape=point];")
        for state in STATES:
            extra = ", peripheries=2" if state in FINAL_STATES else ""
            lines.append(f'    {p}{state} [label="{state}"{extra}];')
        for source, dest, text in edges(kind, lang):
            lines.append(f'    {p}{source or "start"} -> {p}{dest} [label="{text}"];')
        lines.append("  }")
    lines.append("}")
    return "\n".join(lines) + "\n"
