-- Ratings of the commune's officials after an interaction (LDC 2022 Art
-- 35(2)(a)): a reception visit or an answered feedback item, rated by the
-- signed-in citizen on three criteria from 1 to 5. The claim makes it once
-- per interaction and holds nothing else (no unit, no time, no score); the
-- scores are only ever added to the counters, per unit, month, kind,
-- criterion and score, so no row holds what one citizen gave.
create table rating_claims (
    kind        text not null,           -- feedback | reception
    ref         text not null,           -- the interaction's code
    primary key (kind, ref)
);

create table rating_counts (
    unit_id     bigint not null references units (id),
    month       text not null,           -- yyyy-mm
    kind        text not null,
    criterion   text not null,           -- attitude | timeliness | result
    score       integer not null,        -- 1 to 5
    n           bigint not null,
    primary key (unit_id, month, kind, criterion, score)
);
create index rating_counts_month on rating_counts (month, unit_id);
