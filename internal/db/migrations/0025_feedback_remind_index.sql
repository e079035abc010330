-- The reminder sweep reads the open items not yet reminded by due date, across units.
create index feedback_items_remind on feedback_items (due_on)
    where status in ('received', 'accepted', 'in_progress', 'reopened') and reminded = false;
