-- Responsibilities (RACI): who does, who decides, who is consulted, who is informed.
-- One row per activity, in the user's order; a cell per party: DNUM, the business side
-- (métier), the security officer (RSSI), and one other party named on the row (DPO,
-- hosting provider, homologation authority…). At most one A per row, as the domain says.

CREATE TABLE responsibilities (
    id INTEGER PRIMARY KEY,
    activity TEXT NOT NULL CHECK (trim(activity) <> ''),
    position INTEGER NOT NULL,
    dnum TEXT CHECK (dnum IN ('R', 'A', 'C', 'I')),
    metier TEXT CHECK (metier IN ('R', 'A', 'C', 'I')),
    rssi TEXT CHECK (rssi IN ('R', 'A', 'C', 'I')),
    other TEXT CHECK (other IN ('R', 'A', 'C', 'I')),
    other_party TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    CHECK (other IS NULL OR trim(other_party) <> ''),
    CHECK (
        (coalesce(dnum, '') = 'A') + (coalesce(metier, '') = 'A')
        + (coalesce(rssi, '') = 'A') + (coalesce(other, '') = 'A') <= 1
    )
);
CREATE INDEX responsibilities_position ON responsibilities (position);
