"""Workflows of the audits app, one module per stage: case_list, tools, sampling, case_audits,
personal_details, analysis, moderation, alerts, exports."""
