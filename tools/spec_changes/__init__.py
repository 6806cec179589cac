"""The API change report between two OpenAPI 3.0 specs: model, document, schema_diff, diff, render.

The command line is ``python -m tools.spec_report``; ``make update-spec`` prints the report too.
"""
