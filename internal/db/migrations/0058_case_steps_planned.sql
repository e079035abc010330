-- A dialogue's notice says the day the dialogue is planned for (Nghị định
-- 124/2020 as amended: the notice at least 5 days before).
alter table case_steps add column planned_on text not null default '';
