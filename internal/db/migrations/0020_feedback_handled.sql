-- The "recently handled" list reads only handled items: a partial index, so a
-- unit with 100,000 open items does not walk them all to find twenty handled.
drop index feedback_items_done;
create index feedback_items_handled on feedback_items (handler_id, updated_at) where status in ('answered', 'refused', 'closed');
