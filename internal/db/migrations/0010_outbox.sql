-- Messages to people (e-mail, SMS), written in the same transaction as the event they report and
-- delivered afterwards by a worker with retries: a rolled-back event sends nothing, a crash loses nothing.
create table outbox (
    id          bigint primary key,
    kind        text not null,             -- what it reports, e.g. consultation.answered
    account_id  bigint not null,           -- recipient's account (0: an address only)
    channel     text not null,             -- email | sms
    address     text not null,
    subject     text not null,
    body        text not null,
    status      text not null,             -- pending | sent | failed (gave up)
    attempts    integer not null,
    next_at     bigint not null,           -- not tried before this (also the claim of a worker)
    last_error  text not null,
    created_at  bigint not null,
    sent_at     bigint
);
create index outbox_due on outbox (next_at) where status = 'pending';
create index outbox_account on outbox (account_id, created_at);

