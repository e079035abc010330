-- A unit's steering committee for grassroots democracy (Ban Chỉ đạo thực hiện QCDC ở cơ sở, internal/steering):
-- one per unit, its working regulation (text and/or a file in the shared file store), its members and the units each
-- follows, and the append-only history of every change of membership with the decision that made it.
create table steering_committees (
    id                      bigint primary key,
    unit_id                 bigint not null unique references units (id),
    name                    text not null,
    regulation              text not null default '',
    regulation_sha256       text,
    regulation_name         text,
    regulation_type         text,
    regulation_size         bigint,
    regulation_number       text not null default '',
    regulation_date         text not null default '',
    version                 integer not null,
    created_at              bigint not null,
    updated_at              bigint not null
);

create table steering_members (
    id           bigint primary key,
    committee_id bigint not null references steering_committees (id),
    position     text not null,
    ord          integer not null,
    name         text not null,
    office       text not null,
    account_id   bigint,
    area         text not null default '',
    joined_on    text not null,
    left_on      text not null default '',
    version      integer not null,
    created_at   bigint not null,
    updated_at   bigint not null
);
create index steering_members_committee on steering_members (committee_id, left_on, ord);

create table steering_member_units (
    member_id bigint not null references steering_members (id),
    unit_id   bigint not null references units (id),
    primary key (member_id, unit_id)
);

-- Written once, never updated or deleted (the service has no statement that would).
create table steering_changes (
    id              bigint primary key,
    committee_id    bigint not null references steering_committees (id),
    member_id       bigint not null references steering_members (id),
    name            text not null,
    kind            text not null,
    from_position   text not null default '',
    to_position     text not null default '',
    decision_number text not null,
    decision_date   text not null,
    by_account      bigint not null,
    by_name         text not null,
    at              bigint not null
);
create index steering_changes_committee on steering_changes (committee_id, id);
