"""The one calendar of the platform: occasions (مناسبت‌ها), official holidays and the working week.

Events show the occasions a PR office plans its content around; the citizen desk counts its
answer clocks in working days, skipping the holidays. Both read the same table (`Occasion`,
`is_holiday` marks a day off) and the same working week (`WorkingWeek`), through
`selectors.py`; the directorate edits them through `services.py`.
"""
