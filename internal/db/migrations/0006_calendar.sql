-- Days off and working days decided each year (Prime Minister's decisions, new holidays), on top of the
-- statutory defaults that internal/legal generates. Kept by the system administrator in the back office.
create table calendar_overrides (
    id         bigint primary key,
    day        text not null unique,  -- YYYY-MM-DD
    kind       text not null,         -- off | work | not-off
    name       text not null,
    created_by bigint not null,
    created_at bigint not null
);
