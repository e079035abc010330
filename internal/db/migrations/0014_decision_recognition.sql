-- What follows a decision: the minutes sent to the commune (Art 20(2)–(3)), recognition or refusal
-- (Art 21(2)), annulment (Art 22).
alter table matters add column minutes text not null default '';
alter table matters add column minutes_sha256 text not null default '';
alter table matters add column submitted_on text not null default '';
alter table matters add column recognition text not null default '';   -- '' | recognized | refused
alter table matters add column recognition_reason text not null default '';
alter table matters add column recognized_on text not null default '';
alter table matters add column annulled_on text not null default '';
alter table matters add column annul_reason text not null default '';
