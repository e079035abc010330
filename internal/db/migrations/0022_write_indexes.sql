-- The queue reads the partial index of open items; the first index by status is
-- no longer read by anything and only slowed every insert.
drop index feedback_items_queue;

-- Every receipt is an outbox row: keep its indexes to the ones read. Nothing
-- reads notes by account, and a note enters the claim index only when claimed.
drop index outbox_account;
drop index outbox_claim;
create index outbox_claim on outbox (claim) where claim <> 0 and status = 'pending';
