"""The responsibilities (RACI) table in Markdown, in the interface language.

`raci_markdown` is pure (rows in, text out) so the screen and the shell share it.
"""

from __future__ import annotations

from collections.abc import Sequence

from prodtui.domain.responsibilities import PARTIES, Party, RaciRole, Responsibility
from prodtui.i18n import t


def _cell(text: str) -> str:
    """Table cells are one line, and a `|` would split them."""
    return " ".join(text.split()).replace("\\", "\\\\").replace("|", "\\|")


def raci_markdown(rows: Sequence[Responsibility], workspace_name: str) -> str:
    lines = [f"# {t('raci.export.title', name=_cell(workspace_name))}", ""]
    if not rows:
        return "\n".join([*lines, t("raci.empty"), ""])
    headers = [t("raci.col.activity")] + [t(party.label_key) for party in PARTIES]
    lines += [
        "| " + " | ".join(_cell(h) for h in headers) + " |",
        "| --- |" + " :-: |" * len(PARTIES),
    ]
    for row in rows:
        cells = [_cell(row.activity)]
        for party in PARTIES:
            role = row.role(party)
            if party is Party.OTHER and role is not None:
                cells.append(f"{role.value} ({_cell(row.other_party)})")
            else:
                cells.append(role.value if role else "")
        lines.append("| " + " | ".join(cells) + " |")
    legend = " · ".join(f"**{role.value}** {t(role.label_key)}" for role in RaciRole)
    return "\n".join([*lines, "", legend, ""])
