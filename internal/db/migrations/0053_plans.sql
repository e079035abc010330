-- Plans (kế hoạch, đề án, chương trình, chỉ thị) of a body, their targets and tasks,
-- the tasks' assignments to lower units and the progress each assignee reports.
-- The document's body, bases, recipients and signature are one JSON text
-- (document.Doc without its header, which the columns hold); phases too.
create table plans (
    id             bigint primary key,
    unit_id        bigint not null references units (id),
    parent_plan_id bigint references plans (id),
    kind           text not null,
    number         text not null,
    number_key     text not null,
    style          text not null,
    issued_on      text not null,
    place          text not null,
    summary        text not null,
    from_year      integer not null,
    to_year        integer not null,
    phases         text not null,
    bases          text not null,
    remind_days    integer not null,
    doc            text not null,
    created_by     bigint not null,
    created_at     bigint not null,
    updated_at     bigint not null
);
-- A plan imported twice is recognised by its number and symbol within its issuer.
create unique index plans_number on plans (unit_id, number_key) where number_key <> '';
create index plans_unit on plans (unit_id, id);
create index plans_parent on plans (parent_plan_id) where parent_plan_id is not null;

create table plan_targets (
    id         bigint primary key,
    plan_id    bigint not null references plans (id),
    position   integer not null,
    body       text not null,
    value      text not null,
    deadline   text not null,
    due_on     text not null,
    measurable boolean not null
);
create unique index plan_targets_position on plan_targets (plan_id, position);

create table plan_tasks (
    id           bigint primary key,
    plan_id      bigint not null references plans (id),
    position     integer not null,
    block        integer not null,
    section      text not null,
    title        text not null,
    lead_unit_id bigint references units (id),
    lead         text not null,
    cooperating  text not null,
    deadline     text not null,
    due_on       text not null,
    recurrence   text not null,
    output       text not null,
    target_pos   integer not null
);
create unique index plan_tasks_position on plan_tasks (plan_id, position);

create table plan_assignments (
    id          bigint primary key,
    task_id     bigint not null references plan_tasks (id),
    plan_id     bigint not null references plans (id),
    unit_id     bigint not null references units (id),
    due_on      text not null,
    recurrence  text not null,
    remind_on   text not null,
    status      text not null,
    percent     integer not null,
    reported_at bigint not null,
    reminded    boolean not null,
    late_noted  boolean not null,
    created_by  bigint not null,
    created_at  bigint not null
);
create unique index plan_assignments_task_unit on plan_assignments (task_id, unit_id);
create index plan_assignments_plan on plan_assignments (plan_id);
create index plan_assignments_unit on plan_assignments (unit_id, id);
-- The reminder job reads only assignments not done with a fixed deadline.
create index plan_assignments_open on plan_assignments (due_on) where status <> 'done' and due_on <> '';

create table plan_reports (
    id            bigint primary key,
    assignment_id bigint not null references plan_assignments (id),
    status        text not null,
    percent       integer not null,
    body          text not null,
    created_by    bigint not null,
    created_at    bigint not null
);
create index plan_reports_assignment on plan_reports (assignment_id, id);

create table plan_report_files (
    report_id    bigint not null references plan_reports (id),
    position     integer not null,
    sha256       text not null,
    name         text not null,
    content_type text not null,
    size         bigint not null,
    primary key (report_id, position)
);
