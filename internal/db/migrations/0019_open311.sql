-- Open311 lists a place's requests by date; items sent through Open311 remember the key.
create index feedback_items_place on feedback_items (unit_id, created_at);
alter table feedback_items add column via_key bigint not null default 0; -- the Open311 key it came through (0: the web)
