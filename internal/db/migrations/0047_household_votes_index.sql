-- The citizen's page lists the votes of the households a citizen represents: from a household to its votes.
create index vote_households_household on vote_households (household_id);
