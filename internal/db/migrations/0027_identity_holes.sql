-- Failed sign-in attempts, counted per account and source (issue 15). subject
-- is the SHA-256 of the normalised e-mail, so that an address with no account
-- is counted exactly like one with an account; factor is "password" or
-- "second" (TOTP and recovery codes: counted on their own, source "" = every
-- source, never reset by a right password).
create table signin_failures (
    subject    text not null,
    factor     text not null,
    source     text not null,
    failures   integer not null,
    retry_at   bigint not null,
    updated_at bigint not null,
    primary key (subject, factor, source)
);
create index signin_failures_updated on signin_failures (updated_at);

-- A role offered to an account by an administrator whose scope does not cover
-- every role the account already holds: the holder accepts or declines it after
-- signing in (issue 15). status: pending | accepted | declined.
create table role_invitations (
    id         bigint primary key,
    account_id bigint not null references accounts (id),
    role       text not null,
    unit_id    bigint,
    invited_by bigint not null,
    status     text not null,
    created_at bigint not null,
    decided_at bigint
);
create index role_invitations_account on role_invitations (account_id, status);

-- A citizen's pending sign-in is bound to a random token held by the browser
-- that asked for the code (its SHA-256 here), not to the address.
alter table otp_codes add column pending_hash text not null default '';
create index otp_codes_pending on otp_codes (pending_hash);
