-- A worker claims a batch of notes in one statement, marking them with its own
-- random claim, then reads back what it got.
alter table outbox add column claim bigint not null default 0;
create index outbox_claim on outbox (claim) where status = 'pending';
