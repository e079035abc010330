-- A count of a meeting or paper ballot corrected, with its reason, before the result was published (the minutes sent):
-- the numbers before and after as JSON ({present, agree, disagree, other, per_candidate, passed, lacked_numbers}).
create table vote_corrections (
    id          bigint primary key,
    vote_id     bigint not null references votes (id),
    matter_id   bigint not null references matters (id),
    before_json text not null,
    after_json  text not null,
    reason      text not null,
    created_by  bigint not null,
    created_at  bigint not null
);
create index vote_corrections_vote on vote_corrections (vote_id, id);
