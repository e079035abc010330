-- The meetings of a steering committee (internal/steering): when, where, who chaired and attended (one a line),
-- the content, conclusions and proceedings, and the signed minutes as a file in the shared file store.
create table steering_meetings (
    id            bigint primary key,
    committee_id  bigint not null references steering_committees (id),
    held_on       text not null,
    starts_at     text not null default '',
    place         text not null,
    chair         text not null,
    attendees     text not null default '',
    content       text not null,
    conclusions   text not null default '',
    proceedings   text not null default '',
    minutes_sha256 text,
    minutes_name  text,
    minutes_type  text,
    minutes_size  bigint,
    created_by    bigint not null,
    version       integer not null,
    created_at    bigint not null,
    updated_at    bigint not null
);
create index steering_meetings_committee on steering_meetings (committee_id, held_on);
