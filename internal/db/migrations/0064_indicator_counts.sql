-- Indicators that count themselves (periodic reporting): each capability adds
-- to its indicators' counters in the transaction of the fact (a feedback item
-- answered on time, a reception session held…), per unit and month, so that
-- a report's figures and their roll-up read counters, never the facts. A
-- ratio keeps its numerator and denominator; a median its histogram.
create table indicator_counts (
    code        text not null,           -- the indicator, e.g. feedback.on_time
    unit_id     bigint not null references units (id),
    month       text not null,           -- yyyy-mm
    num         bigint not null,
    den         bigint not null,
    primary key (code, unit_id, month)
);
create index indicator_counts_month on indicator_counts (month, code);

create table indicator_hist (
    code        text not null,
    unit_id     bigint not null references units (id),
    month       text not null,
    bucket      integer not null,        -- from 0; the last is open above the indicator's last bound
    n           bigint not null,
    primary key (code, unit_id, month, bucket)
);
