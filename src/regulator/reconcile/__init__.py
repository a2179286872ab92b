"""Reconcile: the ledger against the providers' own usage and cost reports.

`run.reconcile` reads OpenAI's organization usage/costs and Anthropic's usage/cost reports
(`openai_reports`, `anthropic_reports`, paged by `fetch`) and the ledger (`ledger_side`) into
totals per UTC day, model and key (`totals`), compares them (`compare`) and stores the run;
`schedule` runs it periodically in the gateway and reports each new drift once.
"""
