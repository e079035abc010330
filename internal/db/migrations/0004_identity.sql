-- People who sign in: officials (password + second factor) and citizens (one-time code, OpenID Connect).
create table accounts (
    id            bigint primary key,
    kind          text not null,              -- official | citizen
    full_name     text not null,
    email         text,                       -- lower case
    phone         text,                       -- +84…
    password_hash text not null,              -- PHC argon2id string; '' until activated (officials)
    status        text not null,              -- pending | active | disabled
    totp_secret   text not null,              -- base32; '' when not enrolled
    totp_enabled  boolean not null,
    totp_last     bigint not null,            -- last accepted time step: a code works once
    failed_logins integer not null,
    retry_at      bigint not null,            -- no sign-in attempt before this (slow-down and lock)
    oidc_issuer   text,
    oidc_subject  text,
    created_at    bigint not null,
    updated_at    bigint not null
);
create unique index accounts_email on accounts (kind, email);
create unique index accounts_phone on accounts (kind, phone);
create unique index accounts_oidc on accounts (oidc_issuer, oidc_subject);

-- A role held by an account, valid for the unit and all its descendants (unit_id null: the whole country).
create table roles (
    id         bigint primary key,
    account_id bigint not null references accounts (id),
    role       text not null,
    unit_id    bigint references units (id),
    granted_by bigint not null,
    created_at bigint not null,
    revoked_at bigint
);
create index roles_account on roles (account_id);
create index roles_unit on roles (unit_id);

-- Single-use recovery codes for the second factor (SHA-256 of the code).
create table recovery_codes (
    account_id bigint not null references accounts (id),
    code_hash  text not null,
    used_at    bigint,
    primary key (account_id, code_hash)
);

-- Links sent to a person: activation, password reset (SHA-256 of the token).
create table tokens (
    hash       text primary key,
    account_id bigint not null references accounts (id),
    purpose    text not null,
    expires_at bigint not null,
    used_at    bigint,
    created_at bigint not null
);
create index tokens_account on tokens (account_id, purpose);

-- Server-side sessions, shared by every process (SHA-256 of the cookie value).
create table sessions (
    hash       text primary key,
    account_id bigint not null references accounts (id),
    stage      text not null,                 -- full | second_factor | enrol
    csrf       text not null,
    created_at bigint not null,
    seen_at    bigint not null,
    expires_at bigint not null,
    ip         text not null,
    user_agent text not null
);
create index sessions_account on sessions (account_id);

-- One-time sign-in codes for citizens (SHA-256 of the code).
create table otp_codes (
    id         bigint primary key,
    channel    text not null,                 -- sms | email
    address    text not null,
    code_hash  text not null,
    attempts   integer not null,
    expires_at bigint not null,
    used_at    bigint,
    ip         text not null,
    created_at bigint not null
);
create index otp_codes_address on otp_codes (address, created_at);
create index otp_codes_ip on otp_codes (ip, created_at);
