-- Satisfaction surveys (LDC 2022 Art 35(2)(a)): a unit's survey, its
-- questions, who answered (once per citizen or per household), and a counter
-- per option kept in the answer's transaction, so that results never scan the
-- answers. Free-text answers are kept apart, for the unit's officials.
create table surveys (
    id          bigint primary key,
    unit_id     bigint not null references units (id),
    title       text not null,
    intro       text not null,
    audience    text not null,           -- resident | household
    opens_on    text not null,
    closes_on   text not null,
    status      text not null,           -- draft | open | closed
    responses   bigint not null,         -- counter
    created_by  bigint not null,
    created_at  bigint not null,
    updated_at  bigint not null
);
create index surveys_unit on surveys (unit_id, opens_on);

create table survey_questions (
    id            bigint primary key,
    survey_id     bigint not null references surveys (id),
    n             integer not null,
    section       text not null,
    kind          text not null,         -- single | multi | scale | text
    text          text not null,
    options       text not null,         -- one a line
    required      boolean not null,
    satisfaction  boolean not null       -- a scale counted toward the satisfaction figure
);
create index survey_questions_survey on survey_questions (survey_id, n);

create table survey_responses (
    survey_id   bigint not null references surveys (id),
    who         text not null,           -- 'a:<account>' or 'h:<household>'
    created_at  bigint not null,
    primary key (survey_id, who)
);

create table survey_counts (
    question_id bigint not null references survey_questions (id),
    survey_id   bigint not null references surveys (id),
    choice      integer not null,        -- the option, from 0; a scale point p is p-1
    n           bigint not null,
    primary key (question_id, choice)
);
create index survey_counts_survey on survey_counts (survey_id);

create table survey_texts (
    id           bigint primary key,
    survey_id    bigint not null references surveys (id),
    question_id  bigint not null references survey_questions (id),
    body         text not null,
    created_at   bigint not null
);
create index survey_texts_question on survey_texts (question_id, created_at);
