-- A hương ước is adopted only after its draft was posted for comment at least 30 days (ND 61/2023): the
-- consultation that carried the draft.
alter table matters add column draft_consultation_id bigint not null default 0;
