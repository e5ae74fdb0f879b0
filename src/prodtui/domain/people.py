"""The team: people who take part in the stand-up."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from prodtui.domain.base import CleanLine, Record


class Role(StrEnum):
    DEV = "dev"
    DESIGN = "design"
    BUSINESS = "metier"
    SECURITY = "rssi"
    PRODUCT = "product"
    OTHER = "other"

    @property
    def label_key(self) -> str:
        """The catalogue key of its label: `role.<value>`."""
        return f"role.{self.value}"


class Person(Record):
    name: CleanLine = Field(min_length=1, max_length=120)
    role: Role = Role.OTHER
    active: bool = True
    position: int = 0
