"""The catalogue keys built from an Enum's members, listed so that a test can check them.

Every other key is a literal in the code. An enum the user sees names the key of each
member's label in a property (`ItemKind.ACTION.label_key == "kind.action"`); each (enum,
property) pair is listed here, and tests/test_i18n.py checks that every member's key is in
both catalogues and counts these keys as used. Only the tests import this module.
"""

from __future__ import annotations

from enum import Enum

from prodtui.domain import (
    homologation,
    items,
    people,
    recette,
    responsibilities,
    review,
    risks,
    roadmap,
    search,
    security,
    stories,
)

ENUM_KEYS: tuple[tuple[type[Enum], str], ...] = (
    (items.ItemKind, "label_key"),
    (stories.StoryStatus, "label_key"),
    (stories.Priority, "label_key"),
    (stories.Priority, "short_key"),
    (recette.CampaignState, "label_key"),
    (recette.Importance, "label_key"),
    (recette.Importance, "short_key"),
    (recette.ExecutionStatus, "label_key"),
    (people.Role, "label_key"),
    (homologation.ExpiryLevel, "label_key"),
    (homologation.ExpiryLevel, "countdown_key"),
    (homologation.ExpiryLevel, "today_key"),
    (homologation.StepStatus, "label_key"),
    (homologation.Opinion, "label_key"),
    (review.ReviewQuestion, "label_key"),
    (review.ReviewQuestion, "short_key"),
    (review.ReviewAnswer, "label_key"),
    (review.Trend, "label_key"),
    (risks.Criterion, "label_key"),
    (risks.RiskLevel, "label_key"),
    (search.SearchKind, "label_key"),
    (roadmap.MilestoneKind, "label_key"),
    (roadmap.Lane, "label_key"),
    (security.Category, "label_key"),
    (security.MeasureStatus, "label_key"),
    (security.EvidenceCheck, "label_key"),
    (responsibilities.RaciRole, "label_key"),
    (responsibilities.Party, "label_key"),
)
"""(enum, name of the property giving a member's catalogue key)."""


def enum_keys() -> dict[str, str]:
    """Every key an enum names, with where it comes from (`ItemKind.ACTION.label_key`)."""
    return {
        getattr(member, prop): f"{enum.__name__}.{member.name}.{prop}"
        for enum, prop in ENUM_KEYS
        for member in enum
    }
