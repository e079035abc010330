-- What a case made public (Luật Khiếu nại 2011 Art 41 as amended; Luật Tố cáo
-- 2018 Art 40): a second-instance complaint decision or a denunciation's
-- conclusion, as the official wrote it for the public, personal data removed.
-- The public pages, the open data and the public record read this table only.
create table case_publications (
    id           bigint primary key,
    case_id      bigint not null references cases (id),
    unit_id      bigint not null references units (id),
    kind         text not null,        -- complaint | denunciation
    number       text not null,        -- the decision's or the conclusion's number and symbol
    decided_on   text not null,
    published_on text not null,
    until_on     text not null,        -- the least day it stays posted ('' : no minimum)
    field        text not null,
    summary      text not null,        -- the public text
    created_at   bigint not null
);
create unique index case_publications_case on case_publications (case_id);
create index case_publications_unit on case_publications (unit_id, id);
