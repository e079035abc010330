-- Elections (Art 15 items 4–5): the candidates of a matter, one a line ('' for a yes/no question such as a
-- dismissal), and the votes each received in a vote.
alter table matters add column candidates text not null default '';
alter table matters add column seats integer not null default 1;   -- how many are elected (1 for a village head)
create table vote_candidates (
    vote_id    bigint not null references votes (id),
    n          integer not null,              -- the candidate's line in matters.candidates, from 1
    votes      integer not null,
    primary key (vote_id, n)
);
