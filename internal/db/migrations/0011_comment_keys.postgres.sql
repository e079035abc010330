-- One index serves both the idempotency check and "my comments": (author, key) instead of a unique key
-- that repeated the author and a second index on the author. Every comment insert touches one random
-- place in one index fewer. Keys written before carry the author too, so they stay unique.
drop index consultation_comments_idem;
drop index consultation_comments_author;
create unique index consultation_comments_idem on consultation_comments (author_id, idem_key);
