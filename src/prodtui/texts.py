"""One-line descriptions of records, shared by the shell commands and the interface."""

from __future__ import annotations

from prodtui.domain.items import Item
from prodtui.i18n import format_day, t


def describe_item(item: Item) -> str:
    """`#12 action · @Marie Dupont · pour ven. 04/12 · US-12 : text`."""
    parts = [f"{item.key} {t(item.kind.label_key)}"]
    if item.owner:
        parts.append(f"@{item.owner}")
    if item.due_date:
        parts.append(t("capture.due", day=format_day(item.due_date, short=True)))
    if item.story_key:
        parts.append(item.story_key)
    return t("label.value", label=" · ".join(parts), value=item.text)
