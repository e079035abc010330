-- Each province sets its own feedback categories (a two-level tree with the
-- working days to answer) and its hot-spot rule; without rows, the defaults apply.
create table feedback_categories (
    province_id    bigint not null references units (id),
    code           text not null,
    name           text not null,
    parent         text not null,          -- '' at the top level
    days           integer not null,
    position       integer not null,
    primary key (province_id, code)
);

create table feedback_settings (
    province_id    bigint primary key references units (id),
    hot_n          integer not null,
    hot_days       integer not null,
    updated_by     bigint not null,
    updated_at     bigint not null
);
