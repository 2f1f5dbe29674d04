"""The audits app's views, one module per stage: home, sample, case_list, case_audit, moderation,
alerts, analysis, tools; _shared holds what several stages use."""
