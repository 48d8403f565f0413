"""Reports of tasks and criteria: the format registry, the tracker sheet, the calendar and the who/coverage views.

- ``registry``: every task-list format (json, table, csv, xlsx, ics) as one ``Format`` entry.
- ``tasklist``: the records a format renders (stored or just extracted tasks, with tracking state).
- ``formats``: formula-safe cells (``csv_cell``, ``save_xlsx``) for every csv/xlsx writer; json and table.
- ``tracker_sheet``: the "Nhiệm vụ" tracker (xlsx, csv); ``tracker_import`` reads it back.
- ``ical``: the calendar of deadlines (VEVENT, RRULE); ``exports``: stored tasks in any format.
- ``responsibility``: who holds the tasks of a criterion, and which criteria documents cover.
"""
