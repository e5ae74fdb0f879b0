"""The homologation dossier of a workspace: its data read through the repositories, then
written by the pure `exchange.dossier.homologation_dossier`."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from prodtui.exchange.dossier import DossierData, homologation_dossier

if TYPE_CHECKING:
    from prodtui.store.workspace import Workspace


def dossier_data(workspace: Workspace) -> DossierData:
    meta = workspace.meta
    return DossierData(
        name=meta.workspace_name,
        service=meta.get("service"),
        organisation=meta.get("organisation"),
        entries=workspace.measures.entries(),
        risks=workspace.risks.list(),
        steps=workspace.homologation.steps(),
        decision=workspace.homologation.current_decision(),
    )


def workspace_dossier(workspace: Workspace, today: date) -> str:
    return homologation_dossier(dossier_data(workspace), today)
