-- Feedback handling: photos, routing, duplicates, reminders, answer times, hot
-- spots, and Open311 keys.
alter table feedback_items add column merged_into bigint not null default 0;  -- the item it duplicates (0: none)
alter table feedback_items add column reminded boolean not null default false; -- the deadline reminder went out
alter table feedback_items add column photos integer not null default 0;
alter table feedback_items add column handler_since bigint not null default 0; -- when the current unit got it (transfers are counted from here)

-- The open queue of a unit by due date (the statuses an official still has to act on).
create index feedback_items_open on feedback_items (handler_id, due_on, id)
    where status in ('received', 'accepted', 'in_progress', 'reopened');
create index feedback_items_done on feedback_items (handler_id, updated_at);
create index feedback_items_merged on feedback_items (merged_into) where merged_into <> 0;

create table feedback_photos (
    item_id        bigint not null references feedback_items (id),
    n              integer not null,
    sha256         text not null,
    name           text not null,
    size           bigint not null,
    primary key (item_id, n)
);

-- Routing table: items of a category (or of every category: '') from a unit and
-- the units below it go to another unit.
create table feedback_routes (
    category       text not null,
    unit_id        bigint not null references units (id),
    to_unit_id     bigint not null references units (id),
    created_by     bigint not null,
    created_at     bigint not null,
    primary key (unit_id, category)
);

-- Days to answer, counted per unit and number of days, so the median needs no scan.
create table feedback_answer_days (
    unit_id        bigint not null references units (id),
    days           integer not null,
    n              integer not null,
    primary key (unit_id, days)
);

-- Arrivals per place, category and day: the hot-spot rule reads these.
create table feedback_daily (
    unit_id        bigint not null references units (id),
    category       text not null,
    day            text not null,
    n              integer not null,
    primary key (day, unit_id, category)
);

alter table feedback_counters add column refused integer not null default 0;
alter table feedback_counters add column merged integer not null default 0;

-- Open311 keys issued in the back office: only the hash is kept.
create table open311_keys (
    id             bigint primary key,
    key_hash       text not null unique,
    unit_id        bigint not null references units (id),
    name           text not null,
    created_by     bigint not null,
    created_at     bigint not null,
    revoked_at     bigint
);
