-- A board's signature (latest change, number of items) is read from these indexes alone,
-- so that each process can keep boards in memory and know when one changed.
create index disclosures_board_updated on disclosures (board_id, updated_at);
create index disclosures_unit_updated on disclosures (unit_id, updated_at);
