-- The people's committee's dialogue with the people (with the Fatherland
-- Front, at least once a year: LDC Art 32) and each village's yearly
-- community conference (Art 33; ND 59 Arts 10–11), with the questions raised
-- and the commitments made, followed up to done.
create table reception_meetings (
    id            bigint primary key,
    unit_id       bigint not null references units (id), -- the commune (dialogue) or the village (conference)
    kind          text not null,          -- dialogue | conference
    year          integer not null,
    day           text not null,
    starts        text not null,
    place         text not null,
    topics        text not null,
    noticed_on    text not null,          -- notice to households ('' : not yet)
    channels      text not null,          -- how they were told (loa, bảng tin, Zalo…)
    plan_sent     text not null,          -- a conference's plan sent to: commune, front, board (comma list)
    status        text not null,          -- planned | held
    convened      integer not null,       -- households (or people) convened
    attended      integer not null,
    head_report   text not null,          -- a conference: the village head's report
    front_report  text not null,          -- the front committee's (ban công tác Mặt trận)
    board_report  text not null,          -- the people's inspection board member's
    result        text not null,          -- what was concluded (the written result, the minutes' body)
    result_sent   text not null,          -- the day the written result went to the commune and the Front
    chair         text not null,
    created_by    bigint not null,
    created_at    bigint not null,
    updated_at    bigint not null,
    version       integer not null
);
create index reception_meetings_unit on reception_meetings (unit_id, year);

create table reception_meeting_items (
    id         bigint primary key,
    meeting_id bigint not null references reception_meetings (id),
    kind       text not null,             -- question | commitment
    text       text not null,
    owner      text not null,             -- who answers or carries it out
    due        text not null,
    done_on    text not null,
    outcome    text not null,
    created_at bigint not null
);
create index reception_meeting_items_meeting on reception_meeting_items (meeting_id);
create index reception_meeting_items_open on reception_meeting_items (done_on, due);

-- The key an answer opens its case with (random, kept with the entry: a
-- retry by any official opens the same case, and no one outside can guess it).
alter table reception_visits add column intake_key text not null default '';
-- Entries written before this column: a key of their own, stable.
update reception_visits set intake_key = 'reception-visit-' || id where intake_key = '';
