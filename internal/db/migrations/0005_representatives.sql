-- The citizen account that represents a household (one at a time; changes are in the audit log).
alter table households add column representative_account_id bigint references accounts (id);
create index households_representative on households (representative_account_id);

-- Claim codes a village head hands to a household so that its representative can bind their account.
create table household_claims (
    code_hash    text primary key,
    household_id bigint not null references households (id),
    created_by   bigint not null,
    expires_at   bigint not null,
    used_at      bigint,
    used_by      bigint,
    created_at   bigint not null
);
create index household_claims_household on household_claims (household_id);
