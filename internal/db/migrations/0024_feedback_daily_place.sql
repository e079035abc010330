-- Hot spots are read for the places under one commune or province: by place, then day.
create index feedback_daily_place on feedback_daily (unit_id, day);
