-- What makes a create idempotent (db.Once): a client's key in its scope (whose key it is:
-- the account and the form, the Open311 key), the fingerprint of what was sent with it
-- and the result the first request answered (an ID, a code). One row per (scope, key):
-- concurrent duplicates wait on the primary key and find the first one's row.
create table idempotency_keys (
    scope       text not null,
    idem_key    text not null,
    fingerprint text not null,
    result      text not null,
    created_at  bigint not null,
    primary key (scope, idem_key)
);
create index idempotency_keys_created on idempotency_keys (created_at);
