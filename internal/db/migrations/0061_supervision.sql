-- Supervision by the people (kiểm tra, giám sát; LDC Arts 30–45, ND 59 Arts
-- 12–19): the commune's People's Inspection Board (Ban thanh tra nhân dân), a
-- community investment supervision board per project (Ban giám sát đầu tư của
-- cộng đồng) and the Fatherland Front's supervision teams; their members,
-- plans, conclusions and reports, and the recommendations they address to a
-- body, which must answer within 15 days (legal: supervision.answer).
create table sup_boards (
    id             bigint primary key,
    commune_id     bigint not null references units (id),
    kind           text not null,             -- inspection | investment | front
    name           text not null,
    project        text not null,             -- investment: the project; front: the topic
    funding        text not null,             -- investment: public | ppp | community | sponsored
    investor       text not null,             -- investment: the investor, told of the plan and composition
    starts_on      text not null,             -- investment: the supervision's first day ('' : not planned)
    notified_on    text not null,             -- investment: the day the investor was told ('' : not yet)
    term_to        text not null,             -- inspection: the term's last day, the village heads' ('' : none)
    status         text not null,             -- forming | recognised | dissolved
    recognised_on  text not null,
    dissolved_on   text not null,
    dissolve_note  text not null,
    created_by     bigint not null,
    created_at     bigint not null,
    updated_at     bigint not null
);
create index sup_boards_commune on sup_boards (commune_id, kind, status);
-- One People's Inspection Board a commune at a time: the Front ends one (its
-- term over) before it recognises the next.
create unique index sup_boards_one_inspection on sup_boards (commune_id) where kind = 'inspection' and status <> 'dissolved';

create table sup_members (
    id          bigint primary key,
    board_id    bigint not null references sup_boards (id),
    name        text not null,
    village_id  bigint references units (id),
    position    text not null,                -- head | deputy | member
    origin      text not null,                -- elected | front | inspection | resident
    matter_id   bigint,                       -- the election (decision capability) the member came from
    account_id  bigint references accounts (id), -- the member's official account, who acts for the board
    declared    text not null,                -- what the member declared, e.g. 'resident not_official no_relative'
    joined_on   text not null,
    left_on     text not null,                -- '' while a member
    created_at  bigint not null
);
create index sup_members_board on sup_members (board_id);

create table sup_plans (
    id          bigint primary key,
    board_id    bigint not null references sup_boards (id),
    period      text not null,                -- quarter | half | year | term | inspection | project
    title       text not null,
    body        text not null,
    subject     text not null,                -- an inspection: the one inspected
    starts_on   text not null,                -- an inspection: its first day
    sent_on     text not null,                -- an inspection: sent to the Front, the chair and the one inspected
    created_by  bigint not null,
    created_at  bigint not null
);
create index sup_plans_board on sup_plans (board_id, created_at);

-- What a board wrote: a conclusion (kết luận: findings and evidence, public once
-- published) or a report to the Front (báo cáo: quarterly, 6-month, yearly).
create table sup_writings (
    id            bigint primary key,
    board_id      bigint not null references sup_boards (id),
    kind          text not null,              -- conclusion | report
    plan_id       bigint references sup_plans (id),
    area          text not null,              -- investment: what was watched (planning, land…)
    period        text not null,              -- a report: quarter | half | year | term
    title         text not null,
    body          text not null,
    evidence      text not null,
    published_on  text not null,              -- '' : a draft, internal
    created_by    bigint not null,
    created_at    bigint not null
);
create index sup_writings_board on sup_writings (board_id, created_at);

create table sup_recommendations (
    id            bigint primary key,
    board_id      bigint not null references sup_boards (id),
    commune_id    bigint not null references units (id),
    addressee_id  bigint not null references units (id),
    kind          text not null,              -- recommendation | suspend (an investment board's proposal to suspend)
    subject       text not null,
    body          text not null,
    sent_on       text not null,
    due_on        text not null,              -- sent_on + 15 days (legal: supervision.answer)
    answer        text not null,
    answered_on   text not null,              -- '' : not answered
    answered_by   bigint,
    created_by    bigint not null,
    created_at    bigint not null
);
create index sup_recs_addressee on sup_recommendations (addressee_id, answered_on, due_on);
create index sup_recs_commune on sup_recommendations (commune_id, sent_on);
create index sup_recs_board on sup_recommendations (board_id, sent_on);
