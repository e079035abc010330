-- A plan the public may read (plans.PublicOnSave: a people's committee's own plan when issued, an attached
-- body's when its issuer discloses it): the moment it became public, 0 for an internal plan. The public lists
-- read a territory's public plans newest first.
alter table plans add column published_at bigint not null default 0;
create index plans_public on plans (unit_id, id) where published_at <> 0;
