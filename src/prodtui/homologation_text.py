"""How a homologation decision is worded, once for the tracker, the dossier and Today.

The rules (granted or refused, the last valid day, the warning level) are the decision's
own (`domain.homologation`); this module only says them, in the interface language.
"""

from __future__ import annotations

from datetime import date

from prodtui.domain.homologation import Countdown, ExpiryLevel, HomologationDecision
from prodtui.i18n import format_day, t, tn

VALIDITY_KEYS = {
    6: "homologation.validity.6",
    12: "homologation.validity.12",
    24: "homologation.validity.24",
    36: "homologation.validity.36",
}
"""A decision's validity (`VALIDITY_MONTHS`) as the tracker and the dossier name it."""
SUGGESTED_VALIDITY_KEYS = {
    6: "security.validity.6",
    12: "security.validity.12",
    24: "security.validity.24",
    36: "security.validity.36",
}
"""The validity a security score suggests (`suggested_validity`): "6 months at most"…"""


def days_text(days: int) -> str:
    """`1 jour`, `12 jours` (the sign is the sentence's business). Never given 0, which
    French would put in the singular: the callers say "today" instead."""
    return tn("homologation.days", abs(days))


def countdown_text(left: Countdown) -> str:
    """One sentence saying how long the homologation is still valid, in the words of its
    level."""
    when = format_day(left.expires_on)
    if left.level is ExpiryLevel.EXPIRED:
        return t("homologation.countdown.expired", date=when, days=days_text(left.days_left))
    if left.days_left == 0:
        return t("homologation.countdown.today", date=when)
    return t(left.level.countdown_key, date=when, days=days_text(left.days_left))


def remaining_text(left: Countdown) -> str:
    """The short form of a written record, next to its expiry date: `encore 34 jours
    (bientôt)`, `dernier jour de validité (urgent)`, `expirée depuis 3 jours`."""
    level = t(left.level.label_key)
    if left.level is ExpiryLevel.EXPIRED:
        return t("dossier.expired_since", days=days_text(left.days_left))
    if left.days_left == 0:
        return t("dossier.last_day", level=level)
    return t("dossier.days_left", days=days_text(left.days_left), level=level)


def decision_state(decision: HomologationDecision, today: date) -> str:
    """The tracker's sentence: refused, or valid until when and how urgently to renew."""
    left = decision.countdown(today)
    if left is None:
        return t("homologation.refused", date=format_day(decision.decided_on))
    return countdown_text(left)


def short_countdown(left: Countdown) -> tuple[str, str]:
    """The two short lines of a tile: until when, then the days left and what to do."""
    key = (
        "today.homologation_expired"
        if left.level is ExpiryLevel.EXPIRED
        else ("today.homologation_until")
    )
    return (
        t(key, day=format_day(left.expires_on)),
        t(left.level.today_key, days=abs(left.days_left)),
    )
