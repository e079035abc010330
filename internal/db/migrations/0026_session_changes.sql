-- What ends or changes sessions (sign-out, new password, a role, a name), by
-- account: every process reads the last half minute of it each second and stops
-- trusting what it has cached of those accounts.
create table session_changes (
    id         bigint primary key,
    account_id bigint not null,
    at         bigint not null
);
create index session_changes_at on session_changes (at);
