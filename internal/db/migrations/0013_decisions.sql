-- Matters the people of a village (or of every village of a commune) discuss and decide (LDC Arts 15–24).
create table matters (
    id             bigint primary key,
    unit_id        bigint not null references units (id),  -- the village, or the commune for a commune-wide matter
    commune_id     bigint not null references units (id),
    scope          text not null,              -- village | commune
    subject        integer not null,           -- Art 15 item
    title          text not null,
    body           text not null,
    proposer       text not null,              -- head (village head with the Front's committee) | initiative
    backers        integer not null,           -- households backing a citizens' initiative (Art 16: ≥ 10%)
    status         text not null,              -- open | passed | failed
    decided_on     text not null,              -- '' until decided
    created_by     bigint not null,
    created_at     bigint not null,
    updated_at     bigint not null
);
create index matters_commune on matters (commune_id, created_at);

-- One vote on a matter in one village: a meeting, a household ballot or an online vote.
create table votes (
    id             bigint primary key,
    matter_id      bigint not null references matters (id),
    village_id     bigint not null references units (id),
    method         text not null,              -- meeting | ballot | online
    noticed_on     text not null,
    held_on        text not null,              -- the day of the meeting or ballot; online: the last day
    households     integer not null,           -- the electorate, fixed at notice
    opted_in       integer not null,           -- online: households that agreed to vote online (ND 59 Art 5)
    present        integer not null,           -- meeting: households represented
    agree          integer not null,           -- counters, kept in the transactions that record votes
    disagree       integer not null,
    other          integer not null,
    status         text not null,              -- open | closed
    passed         boolean not null,
    lacked_numbers boolean not null,           -- a meeting that could not reach the threshold
    team           text not null,              -- ballot committee / ballot team / online team (3–5), one name a line
    secretary      text not null,              -- meeting: the secretary
    closed_at      bigint,
    created_by     bigint not null,
    created_at     bigint not null
);
create index votes_matter on votes (matter_id, village_id);

-- The households of a vote, fixed at notice: a household added later does not change the denominator.
create table vote_households (
    vote_id        bigint not null references votes (id),
    household_id   bigint not null references households (id),
    primary key (vote_id, household_id)
);

-- One ballot per household (the primary key refuses a second). The receipt lets a household find its ballot
-- in the list published after the close without the list showing any choice.
create table vote_ballots (
    vote_id        bigint not null references votes (id),
    household_id   bigint not null references households (id),
    choice         text not null,              -- agree | disagree | other
    opinion        text not null,
    receipt        text not null,
    account_id     bigint not null,            -- the representative who voted
    created_at     bigint not null,
    primary key (vote_id, household_id)
);
create unique index vote_ballots_receipt on vote_ballots (vote_id, receipt);
