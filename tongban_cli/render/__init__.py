"""Text for the window clerk, the county reviewer and the inspector, in Chinese, one module per
subject: catalog (matters, sites, departments), cases, reviews (county review, inbox),
supervision (the events supervision received), refusals (refused calls); text and tables hold
what they share. Enum labels come from the protos (services/common/labels.py)."""
