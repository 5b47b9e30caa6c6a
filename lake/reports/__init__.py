"""`lake report`: reports people look at, rendered from the published marts.

A report is a `ReportDefinition` (`model.py`): a name, the kind of period it covers by
default, the last day its data covers and a function computing its charts and tables from
the published database. The music domain's three are in `music.py`; a domain adds its
own module and registers it in `run.REPORTS`. Files go to
`$LAKE_ROOT/reports/<report>_<period>_<YYYYMMDD of the period's end>.<html|pdf|csv>`.
"""
