"""Fictional demonstration data for the Wrekinshire Safeguarding Partnership (`flask demo load`).

- `data`: the tables (agencies, one user per role, about thirty cases across the three review types,
  and the decisions, family involvement, documents and holds that go with them);
- `loader`: `load_demo()`, which turns them into records through the application's own rules;
- `documents`: the small PDF and Word reports it stores.

Every date is relative to the day the data set is loaded (so many days, or working days, ago), so the
statutory clock always has something to show and nothing is ever dated in the future. The data set is
deterministic (fixed tables and `random.Random(2026)`), except the user passwords, which are random
and shown once.

Only the `flask demo` command imports this package: the running app never does.
"""
