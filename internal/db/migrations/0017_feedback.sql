-- Feedback and petitions (phản ánh, kiến nghị).
create table feedback_items (
    id             bigint primary key,
    code           text not null,              -- tracking code PA-XXXX-XXXX / KN-XXXX-XXXX
    kind           text not null,              -- feedback | petition
    category       text not null,
    unit_id        bigint not null references units (id),  -- where it happened (a village or a commune)
    handler_id     bigint not null references units (id),  -- the unit responsible now
    description    text not null,
    address        text not null,
    lat            double precision,
    lon            double precision,
    author_id      bigint not null,            -- 0: anonymous
    contact        text not null,              -- '' when anonymous
    status         text not null,
    due_on         text not null,              -- the answer's deadline (working days per category)
    answer         text not null,
    answered_at    bigint,
    rating         integer not null,           -- 0 until rated
    rating_note    text not null,
    reopened       boolean not null,
    idem_key       text not null,
    created_at     bigint not null,
    updated_at     bigint not null
);
create unique index feedback_items_code on feedback_items (code);
create unique index feedback_items_idem on feedback_items (author_id, idem_key);
create index feedback_items_queue on feedback_items (handler_id, status, due_on);

-- Every step of an item, shown on its public page (without personal data).
create table feedback_events (
    id             bigint primary key,
    item_id        bigint not null references feedback_items (id),
    at             bigint not null,
    status         text not null,
    note           text not null,
    actor_id       bigint not null
);
create index feedback_events_item on feedback_events (item_id, at);

-- Kept counters per unit for the public statistics (never a scan).
create table feedback_counters (
    unit_id        bigint primary key references units (id),
    received       integer not null,
    answered       integer not null,
    on_time        integer not null,
    rated          integer not null,
    satisfied      integer not null        -- ratings of 4 or 5
);
