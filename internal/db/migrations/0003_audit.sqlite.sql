-- Every official action (and every refused attempt), for the officials of the unit and above.
create table audit_log (
    id          bigint primary key,
    at          bigint not null,
    actor_id    bigint not null,   -- 0: the system or an anonymous caller
    actor_name  text not null,
    role        text not null,
    unit_id     bigint,            -- the unit acted on
    action      text not null,
    object_type text not null,
    object_id   text not null,
    before_hash text not null,
    after_hash  text not null,
    outcome     text not null,     -- ok | denied
    ip          text not null,
    request_id  text not null,
    detail      text not null
);
create index audit_log_unit on audit_log (unit_id, at);
create index audit_log_actor on audit_log (actor_id, at);

-- The public record: append-only, each entry chained to the one before by SHA-256.
create table public_record (
    seq          bigint primary key,
    at           bigint not null,
    unit_id      bigint,
    kind         text not null,
    object_type  text not null,
    object_id    text not null,
    summary      text not null,
    content      text not null,    -- canonical JSON of the entry: what the hashes cover
    content_hash text not null,
    prev_hash    text not null,
    hash         text not null
);
create index public_record_unit on public_record (unit_id, seq);
-- The head of the chain: appends take this row first, so they line up one behind another.
create table public_record_head (
    id   integer primary key check (id = 1),
    seq  bigint not null,
    hash text not null
);
insert into public_record_head (id, seq, hash) values (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- Neither log can be changed or emptied through SQL the application runs.
create trigger audit_log_no_update before update on audit_log begin select raise(abort, 'audit_log is append-only'); end;
create trigger audit_log_no_delete before delete on audit_log begin select raise(abort, 'audit_log is append-only'); end;
create trigger public_record_no_update before update on public_record begin select raise(abort, 'public_record is append-only'); end;
create trigger public_record_no_delete before delete on public_record begin select raise(abort, 'public_record is append-only'); end;
