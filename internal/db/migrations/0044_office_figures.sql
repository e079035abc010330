-- The province table counts each commune board's disclosures of a quarter (by posting start) and the
-- village matters waiting for the commune's recognition: both read from an index, not the rows.
create index disclosures_quarter on disclosures (board_id, posting_start, status, staff_only, late);
create index matters_awaiting on matters (commune_id) where submitted_on <> '' and recognized_on = '' and annulled_on = '';
